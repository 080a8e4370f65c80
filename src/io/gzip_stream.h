// gzip decompression with zlib, for LogReader: libarchive's gzip filter does not check the
// CRC-32 and length of a gzip member, so a damaged .gz would read as garbage; zlib checks both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ferry::io::detail {

// Decompresses a gzip file read from `fd` (from its current offset to its end): one member or
// several concatenated (as `gzip` reads them); bytes after the last member that do not start
// another member are ignored, as `gzip` does. Does not own `fd`.
class GzipStream {
 public:
  explicit GzipStream(int fd);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // The next decompressed bytes (valid until the next call); false at the end. Throws
  // std::runtime_error saying what is wrong (damaged data, a bad check value, truncation, a
  // read error).
  bool next(const char*& data, size_t& size);
  // Bytes read from the file so far.
  uint64_t bytes_read() const { return read_; }

 private:
  bool fill();  // reads more input; false at the end of the file

  struct Z;
  std::unique_ptr<Z> z_;
  int fd_;
  std::vector<unsigned char> in_, out_;
  uint64_t read_ = 0;
  bool in_member_ = true, done_ = false;
};

}  // namespace ferry::io::detail
