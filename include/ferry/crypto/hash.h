// Digests for S3 and anything else that needs them: SHA-256, HMAC-SHA256 and MD5 (OpenSSL EVP),
// of bytes in memory or of a byte range of a file streamed from disk in 1 MiB blocks.
//
// "Raw" digests are the binary bytes (32 for SHA-256, 16 for MD5); the *_hex forms are lower-case
// hexadecimal. Functions never throw for in-memory input except std::bad_alloc; file functions
// throw ferry::OperationError(kPermanent) naming the path when it cannot be read in full.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ferry/base/error.h"

// OpenSSL's digest context, declared here so callers need not include OpenSSL headers.
struct evp_md_ctx_st;

namespace ferry::crypto {

// Lower-case hex of arbitrary bytes.
std::string hex_encode(std::string_view bytes);

std::string sha256_raw(std::string_view data);
std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of `data` keyed with `key`; 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

std::string md5_raw(std::string_view data);
std::string md5_hex(std::string_view data);
// Base64 of the raw MD5, as the Content-MD5 header wants it.
std::string md5_base64(std::string_view data);

// A file ended before the byte range asked of it: it is shorter than the caller knew it to be
// (truncated, or rewritten while it was read). Permanent, as any failure to read; a caller that
// knew the file's size can tell a change from it.
class FileEndedEarly : public OperationError {
 public:
  explicit FileEndedEarly(const std::string& what)
      : OperationError(FailureKind::kPermanent, what) {}
};

// MD5 and SHA-256 of a byte range, computed in one pass.
struct FileDigests {
  std::string md5;     // 16 raw bytes
  std::string sha256;  // 32 raw bytes
  uint64_t bytes = 0;  // bytes hashed
};

// Hashes `length` bytes of `path` from `offset` (to the end of the file when unset). Ranges of
// 4 MiB or more (or of unknown length) are hashed on two threads, one per digest. Throws
// OperationError when the file cannot be opened or read, FileEndedEarly when it ends before the
// range does.
FileDigests file_digests(const std::string& path, uint64_t offset = 0,
                         std::optional<uint64_t> length = std::nullopt);

// Raw MD5 of a byte range, as file_digests without the SHA-256.
std::string file_md5(const std::string& path, uint64_t offset = 0,
                     std::optional<uint64_t> length = std::nullopt);

// MD5 (hex) of a whole file; throws as file_digests does.
std::string file_md5_hex(const std::string& path);

// Raw SHA-256 of a byte range, as file_digests without the MD5.
std::string file_sha256(const std::string& path, uint64_t offset = 0,
                        std::optional<uint64_t> length = std::nullopt);

enum class DigestKind { kMd5, kSha256 };

// A digest of data that arrives in pieces. Movable, not copyable. Throws OperationError only
// when OpenSSL fails (a broken library).
class RunningDigest {
 public:
  explicit RunningDigest(DigestKind kind);
  ~RunningDigest();
  RunningDigest(RunningDigest&& other) noexcept;
  RunningDigest& operator=(RunningDigest&& other) noexcept;
  void update(const void* data, size_t size);
  // The raw digest of everything given since construction or reset(); then resets.
  std::string finish();
  void reset();

 private:
  evp_md_ctx_st* ctx_ = nullptr;
  DigestKind kind_;
};

class Md5 : public RunningDigest {
 public:
  Md5() : RunningDigest(DigestKind::kMd5) {}
};

class Sha256 : public RunningDigest {
 public:
  Sha256() : RunningDigest(DigestKind::kSha256) {}
};

}  // namespace ferry::crypto
