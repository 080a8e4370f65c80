// libarchive, loaded on first use instead of linked.
//
// libarchive as Debian builds it pulls in libxml2 and ICU, nettle, lzma, zstd, lz4, bz2 and acl;
// linking it made every ferry process, even a cron tick that reads no log file, load and
// relocate all of them (about 5 ms, more than the rest of start-up). ferry therefore links no
// libarchive: the first LogReader or ZipWriter dlopen()s libarchive.so.13 and resolves the
// functions below. Include <archive.h> for types and constants only, and call libarchive
// through archive_lib().
#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace ferry::io {

// X(name) for each libarchive function ferry calls, archive_<name>.
// clang-format off
#define FERRY_ARCHIVE_FUNCTIONS(X) \
  X(read_new) \
  X(read_free) \
  X(read_support_filter_bzip2) \
  X(read_support_format_zip_seekable) \
  X(read_support_format_raw) \
  X(read_support_format_empty) \
  X(read_set_callback_data) \
  X(read_set_open_callback) \
  X(read_set_read_callback) \
  X(read_set_seek_callback) \
  X(read_set_skip_callback) \
  X(read_open1) \
  X(read_next_header) \
  X(read_data_block) \
  X(format) \
  X(filter_code) \
  X(error_string) \
  X(set_error) \
  X(write_new) \
  X(write_free) \
  X(write_set_format_zip) \
  X(write_zip_set_compression_deflate) \
  X(write_set_options) \
  X(write_set_bytes_per_block) \
  X(write_set_bytes_in_last_block) \
  X(write_open2) \
  X(write_header) \
  X(write_data) \
  X(write_finish_entry) \
  X(write_close) \
  X(entry_new) \
  X(entry_free) \
  X(entry_pathname) \
  X(entry_pathname_utf8) \
  X(entry_filetype) \
  X(entry_set_pathname_utf8) \
  X(entry_set_filetype) \
  X(entry_set_perm) \
  X(entry_set_mtime) \
  X(entry_unset_size)
// clang-format on

// Each member points at the libarchive function archive_<member> and has its signature.
struct ArchiveLib {
#define FERRY_ARCHIVE_MEMBER(name) decltype(&::archive_##name) name = nullptr;
  FERRY_ARCHIVE_FUNCTIONS(FERRY_ARCHIVE_MEMBER)
#undef FERRY_ARCHIVE_MEMBER
};

// libarchive, loaded. The first call in the process, from any thread, loads libarchive.so.13
// and resolves every member; concurrent first callers wait, later calls only read the result.
// Throws OperationError(kPermanent) when the library or one of its functions cannot be loaded;
// the outcome is kept, so every later call throws the same.
const ArchiveLib& archive_lib();

}  // namespace ferry::io
