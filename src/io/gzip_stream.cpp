#include "io/gzip_stream.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ferry::io::detail {

namespace {
constexpr size_t kBlock = 64 * 1024;
}  // namespace

struct GzipStream::Z {
  z_stream s{};
};

GzipStream::GzipStream(int fd) : z_(std::make_unique<Z>()), fd_(fd), in_(kBlock), out_(kBlock) {
  if (inflateInit2(&z_->s, 15 + 16) != Z_OK) throw std::runtime_error("zlib: out of memory");
}

GzipStream::~GzipStream() {
  inflateEnd(&z_->s);
}

bool GzipStream::fill() {
  ssize_t n;
  do {
    n = ::read(fd_, in_.data(), in_.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw std::runtime_error(std::string("read: ") + std::strerror(errno));
  read_ += static_cast<uint64_t>(n);
  z_->s.next_in = in_.data();
  z_->s.avail_in = static_cast<uInt>(n);
  return n > 0;
}

bool GzipStream::next(const char*& data, size_t& size) {
  z_stream& s = z_->s;
  for (int stalls = 0; !done_;) {
    if (!in_member_) {
      // Between members: another one starts with the gzip magic; anything else ends the data.
      if (s.avail_in == 0 && !fill()) break;
      if (s.next_in[0] != 0x1f || (s.avail_in > 1 && s.next_in[1] != 0x8b)) break;
      if (inflateReset(&s) != Z_OK) throw std::runtime_error("zlib: cannot reset");
      in_member_ = true;
    }
    if (s.avail_in == 0 && !fill()) throw std::runtime_error("truncated gzip data");
    s.next_out = out_.data();
    s.avail_out = static_cast<uInt>(out_.size());
    uInt before = s.avail_in;
    int r = inflate(&s, Z_NO_FLUSH);
    if (r == Z_STREAM_END) {
      in_member_ = false;
    } else if (r != Z_OK && r != Z_BUF_ERROR) {
      throw std::runtime_error(std::string("damaged gzip data: ") + (s.msg ? s.msg : zError(r)));
    }
    size = out_.size() - s.avail_out;
    if (size > 0) {
      data = reinterpret_cast<const char*>(out_.data());
      return true;
    }
    if (r != Z_STREAM_END && s.avail_in == before && ++stalls > 1000)
      throw std::runtime_error("damaged gzip data: inflate makes no progress");
  }
  done_ = true;
  return false;
}

}  // namespace ferry::io::detail
