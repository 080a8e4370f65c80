#include "io/archive_fixtures.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <memory>
#include <stdexcept>

namespace ferry::testing {
namespace {

struct WriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
using Writer = std::unique_ptr<archive, WriteFree>;

la_ssize_t append_cb(archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

void check(archive* a, int r) {
  if (r < ARCHIVE_WARN)
    throw std::runtime_error(std::string("libarchive: ") + archive_error_string(a));
}

void add_entry(archive* a, const std::string& name, std::string_view data, bool directory) {
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(),
                                                             archive_entry_free);
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_filetype(e.get(), directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e.get(), directory ? 0755 : 0644);
  archive_entry_set_size(e.get(), directory ? 0 : static_cast<la_int64_t>(data.size()));
  check(a, archive_write_header(a, e.get()));
  if (!data.empty() && archive_write_data(a, data.data(), data.size()) < 0) check(a, ARCHIVE_FATAL);
  check(a, archive_write_finish_entry(a));
}

std::string filtered(std::string_view data, int (*add_filter)(archive*)) {
  std::string out;
  Writer a(archive_write_new());
  check(a.get(), add_filter(a.get()));
  check(a.get(), archive_write_set_format_raw(a.get()));
  check(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1));
  check(a.get(), archive_write_open2(a.get(), &out, nullptr, append_cb, nullptr, nullptr));
  add_entry(a.get(), "data", data, false);
  check(a.get(), archive_write_close(a.get()));
  return out;
}

}  // namespace

std::string gzip_bytes(std::string_view data) {
  return filtered(data, archive_write_add_filter_gzip);
}

std::string bzip2_bytes(std::string_view data) {
  return filtered(data, archive_write_add_filter_bzip2);
}

std::string zip_bytes(const std::vector<ZipEntry>& entries, bool deflate) {
  std::string out;
  Writer a(archive_write_new());
  check(a.get(), archive_write_set_format_zip(a.get()));
  check(a.get(), deflate ? archive_write_zip_set_compression_deflate(a.get())
                         : archive_write_zip_set_compression_store(a.get()));
  check(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1));
  check(a.get(), archive_write_open2(a.get(), &out, nullptr, append_cb, nullptr, nullptr));
  for (const auto& e : entries) add_entry(a.get(), e.name, e.data, e.directory);
  check(a.get(), archive_write_close(a.get()));
  return out;
}

namespace {

void put(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// The fields a local and a central header share, from "version needed" to "extra length".
std::string common_fields(const ZipEntry& e) {
  std::string f;
  put(f, 10, 2);  // version needed
  put(f, 0, 2);   // flags
  put(f, 0, 2);   // stored
  put(f, 0, 4);   // DOS time and date
  put(f, crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size())),
      4);
  put(f, static_cast<uint32_t>(e.data.size()), 4);
  put(f, static_cast<uint32_t>(e.data.size()), 4);
  put(f, static_cast<uint32_t>(e.name.size()), 2);
  put(f, 0, 2);  // extra length
  return f;
}

}  // namespace

std::string raw_zip_bytes(const std::vector<ZipEntry>& entries) {
  std::string out, central;
  for (const auto& e : entries) {
    uint32_t offset = static_cast<uint32_t>(out.size());
    out += std::string("PK\x03\x04", 4) + common_fields(e) + e.name + e.data;
    central += std::string("PK\x01\x02", 4);
    put(central, 20, 2);  // version made by
    central += common_fields(e);
    put(central, 0, 2);  // comment length
    put(central, 0, 2);  // disk
    put(central, 0, 2);  // internal attributes
    put(central, 0, 4);  // external attributes
    put(central, offset, 4);
    central += e.name;
  }
  uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out += central + std::string("PK\x05\x06", 4);
  put(out, 0, 4);  // disk numbers
  put(out, static_cast<uint32_t>(entries.size()), 2);
  put(out, static_cast<uint32_t>(entries.size()), 2);
  put(out, static_cast<uint32_t>(central.size()), 4);
  put(out, cd_offset, 4);
  put(out, 0, 2);  // comment length
  return out;
}

}  // namespace ferry::testing
