#include "io/archive_fixtures.h"

#include <archive.h>
#include <archive_entry.h>

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

}  // namespace ferry::testing
