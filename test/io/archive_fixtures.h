// Test inputs for the archive readers and writers, made in memory with libarchive: gzip and
// bzip2 streams, and ZIPs whose members are stored in the order given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry::testing {

std::string gzip_bytes(std::string_view data);
std::string bzip2_bytes(std::string_view data);

struct ZipEntry {
  std::string name;
  std::string data;
  bool directory = false;
};
// A ZIP of `entries` in this order (deflated, or stored when `deflate` is false).
std::string zip_bytes(const std::vector<ZipEntry>& entries, bool deflate = true);
// A ZIP of stored (uncompressed) regular members put together byte by byte, for what libarchive
// will not write (a member without a name).
std::string raw_zip_bytes(const std::vector<ZipEntry>& entries);

}  // namespace ferry::testing
