#include "ferry/crypto/hash.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "crypto/openssl_lib.h"
#include "ferry/base/error.h"
#include "ferry/crypto/base64.h"

namespace ferry::crypto {
namespace {

constexpr size_t kBlock = 1 << 20;
// Ranges at least this long are hashed with MD5 and SHA-256 on two threads.
constexpr uint64_t kParallelFrom = 4 << 20;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { openssl().EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// A running digest; OpenSSL failures here mean a broken library, so they are logic errors.
class Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(openssl().EVP_MD_CTX_new()) {
    if (!ctx_ || openssl().EVP_DigestInit_ex(ctx_.get(), md, nullptr) != 1)
      throw OperationError(FailureKind::kPermanent, "OpenSSL digest initialisation failed");
  }
  void update(const void* data, size_t n) {
    if (openssl().EVP_DigestUpdate(ctx_.get(), data, n) != 1)
      throw OperationError(FailureKind::kPermanent, "OpenSSL digest update failed");
  }
  std::string finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (openssl().EVP_DigestFinal_ex(ctx_.get(), out, &len) != 1)
      throw OperationError(FailureKind::kPermanent, "OpenSSL digest final failed");
    return std::string(reinterpret_cast<char*>(out), len);
  }

 private:
  MdCtx ctx_;
};

std::string digest_of(const EVP_MD* md, std::string_view data) {
  Digest d(md);
  d.update(data.data(), data.size());
  return d.finish();
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail_read(const std::string& path, const std::string& why) {
  throw OperationError(FailureKind::kPermanent, "cannot read " + path + ": " + why);
}

// Feeds `length` bytes of `path` from `offset` (or to the end) to `sink`; returns the count.
template <typename Sink>
uint64_t stream_file(const std::string& path, uint64_t offset, std::optional<uint64_t> length,
                     Sink&& sink) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail_read(path, std::strerror(errno));
  ::posix_fadvise(fd.get(), static_cast<off_t>(offset), 0, POSIX_FADV_SEQUENTIAL);
  std::vector<char> buf(kBlock);
  uint64_t done = 0;
  while (!length || done < *length) {
    size_t want = kBlock;
    if (length && *length - done < want) want = static_cast<size_t>(*length - done);
    ssize_t n = ::pread(fd.get(), buf.data(), want, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_read(path, std::strerror(errno));
    }
    if (n == 0) {
      if (length)
        throw FileEndedEarly("cannot read " + path + ": file ended before byte " +
                             std::to_string(offset + *length));
      break;
    }
    sink(buf.data(), static_cast<size_t>(n));
    done += static_cast<uint64_t>(n);
  }
  return done;
}

}  // namespace

std::string hex_encode(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

std::string sha256_raw(std::string_view data) {
  return digest_of(openssl().EVP_sha256(), data);
}
std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256_raw(data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!openssl().HMAC(openssl().EVP_sha256(), key.data(), static_cast<int>(key.size()),
                      reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    throw OperationError(FailureKind::kPermanent, "OpenSSL HMAC failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string md5_raw(std::string_view data) {
  return digest_of(openssl().EVP_md5(), data);
}
std::string md5_hex(std::string_view data) {
  return hex_encode(md5_raw(data));
}
std::string md5_base64(std::string_view data) {
  return base64_encode(md5_raw(data));
}

FileDigests file_digests(const std::string& path, uint64_t offset, std::optional<uint64_t> length) {
  FileDigests out;
  if (length && *length < kParallelFrom) {
    Digest md5(openssl().EVP_md5());
    Digest sha(openssl().EVP_sha256());
    out.bytes = stream_file(path, offset, length, [&](const char* p, size_t n) {
      md5.update(p, n);
      sha.update(p, n);
    });
    out.md5 = md5.finish();
    out.sha256 = sha.finish();
    return out;
  }
  // Large ranges: SHA-256 on a second thread, each reading the (cached) file on its own.
  auto sha = std::async(std::launch::async, [&] {
    Digest d(openssl().EVP_sha256());
    stream_file(path, offset, length, [&](const char* p, size_t n) { d.update(p, n); });
    return d.finish();
  });
  Digest md5(openssl().EVP_md5());
  try {
    out.bytes =
        stream_file(path, offset, length, [&](const char* p, size_t n) { md5.update(p, n); });
  } catch (...) {
    sha.wait();
    throw;
  }
  out.md5 = md5.finish();
  out.sha256 = sha.get();
  return out;
}

std::string file_md5(const std::string& path, uint64_t offset, std::optional<uint64_t> length) {
  Digest md5(openssl().EVP_md5());
  stream_file(path, offset, length, [&](const char* p, size_t n) { md5.update(p, n); });
  return md5.finish();
}

std::string file_md5_hex(const std::string& path) {
  return hex_encode(file_md5(path));
}

std::string file_sha256(const std::string& path, uint64_t offset, std::optional<uint64_t> length) {
  Digest sha(openssl().EVP_sha256());
  stream_file(path, offset, length, [&](const char* p, size_t n) { sha.update(p, n); });
  return sha.finish();
}

RunningDigest::RunningDigest(DigestKind kind) : ctx_(openssl().EVP_MD_CTX_new()), kind_(kind) {
  if (!ctx_) throw OperationError(FailureKind::kPermanent, "OpenSSL digest allocation failed");
  reset();
}

RunningDigest::~RunningDigest() {
  if (ctx_) openssl().EVP_MD_CTX_free(ctx_);
}

RunningDigest::RunningDigest(RunningDigest&& other) noexcept
    : ctx_(other.ctx_), kind_(other.kind_) {
  other.ctx_ = nullptr;
}

RunningDigest& RunningDigest::operator=(RunningDigest&& other) noexcept {
  std::swap(ctx_, other.ctx_);
  std::swap(kind_, other.kind_);
  return *this;
}

void RunningDigest::update(const void* data, size_t size) {
  if (openssl().EVP_DigestUpdate(ctx_, data, size) != 1)
    throw OperationError(FailureKind::kPermanent, "OpenSSL digest update failed");
}

std::string RunningDigest::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (openssl().EVP_DigestFinal_ex(ctx_, out, &len) != 1)
    throw OperationError(FailureKind::kPermanent, "OpenSSL digest final failed");
  reset();
  return std::string(reinterpret_cast<char*>(out), len);
}

void RunningDigest::reset() {
  const EVP_MD* md = kind_ == DigestKind::kMd5 ? openssl().EVP_md5() : openssl().EVP_sha256();
  if (openssl().EVP_DigestInit_ex(ctx_, md, nullptr) != 1)
    throw OperationError(FailureKind::kPermanent, "OpenSSL digest initialisation failed");
}

}  // namespace ferry::crypto
