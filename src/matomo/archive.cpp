#include "ferry/matomo/archive.h"

#include <cstdio>
#include <filesystem>

#include "ferry/io/log_reader.h"
#include "ferry/io/zip_writer.h"
#include "ferry/net/object_store.h"

namespace ferry::matomo {
int64_t build_archive(const std::vector<std::string>& object_paths, const std::string& site,
                      const Date& day, const std::string& zip_path) {
  io::ZipWriter zip(zip_path);
  int64_t n = 0;
  for (const auto& path : object_paths) {
    io::LogReader reader(path);
    while (reader.next_member()) {
      zip.begin_member(member_name(site, day, n++));
      std::string_view chunk;
      while (reader.next_chunk(chunk)) zip.write(chunk);
      zip.end_member();
    }
  }
  zip.finish();
  return n;
}

Status upload_archive(net::ObjectStore& push, const std::string& key, const std::string& zip_path) {
  const std::string what = "archive upload to " + push.describe() + "/" + key + ": ";
  try {
    const auto size = std::filesystem::file_size(zip_path);
    push.put_file(key, zip_path);
    auto info = push.head(key);
    if (!info) return Failure::transient(what + "the object is not there after the upload");
    if (info->size != size)
      return Failure::transient(what + "the object has " + std::to_string(info->size) +
                                " bytes, the ZIP " + std::to_string(size));
    return Status::ok();
  } catch (const OperationError& e) {
    return Failure{e.kind(), what + e.what()};
  } catch (const std::filesystem::filesystem_error& e) {
    return Failure::permanent(what + e.what());
  }
}

}  // namespace ferry::matomo
