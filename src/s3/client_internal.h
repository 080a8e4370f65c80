// Pieces shared by client.cpp and multipart.cpp; not part of the public interface.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/crypto/hash.h"
#include "ferry/s3/client.h"

namespace ferry::s3 {

// One request: `key` is the full stored key, or empty for a bucket-level request.
struct S3Client::Call {
  std::string method = "GET";
  std::string key;
  bool bucket_level = false;
  QueryParams query;
  net::Headers headers;  // extra headers to sign and send
  std::string payload_hash = kEmptySha256;
  net::RequestBody body;
  std::string response_file;
  bool transfer = false;  // a large body: transfer timeout and stall guard
  std::function<void(uint64_t, uint64_t)> progress;
  // Watches a download (net::HttpRequest::on_body): (nullptr, 0) when an exchange starts, then
  // each piece of a 2xx body after it went to response_file.
  std::function<void(const char*, size_t)> on_body;
  bool interruptible = true;  // false: goes out during a stop (net::HttpRequest::interruptible)
};

struct S3Client::Part {
  int number = 1;  // 1-based
  int count = 1;
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t total = 0;  // the whole file, for progress
  crypto::FileDigests digests;
};

// A file's identity, size and modification time (ns): an upload compares the stamp taken before
// hashing with one taken after sending to tell that the file changed in between.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime_ns == o.mtime_ns;
  }
  bool operator!=(const FileStamp& o) const { return !(*this == o); }
};

// The progress of the parts in flight summed into one callback, called one at a time. A part
// sent again starts its count over.
class S3Client::PartProgress {
 public:
  PartProgress(const Progress& progress, uint64_t total, int parts)
      : progress_(progress), total_(total), sent_(progress ? static_cast<size_t>(parts) : 0, 0) {}
  bool enabled() const { return static_cast<bool>(progress_); }
  // Part `number` (1-based) has `done` bytes on the wire.
  void update(int number, uint64_t done) {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t& mine = sent_[static_cast<size_t>(number - 1)];
    sum_ = sum_ - mine + done;
    mine = done;
    progress_(sum_, total_);
  }

 private:
  const Progress& progress_;
  const uint64_t total_;
  std::mutex mu_;
  std::vector<uint64_t> sent_;
  uint64_t sum_ = 0;
};

// The stamp of `path`. Throws OperationError(kPermanent) `s3 PUT <where>: cannot read ...` when
// it cannot be read or is not a regular file.
FileStamp stamp_file(const std::string& path, const std::string& where);

// The failure of an upload whose file changed while it was sent: transient, naming the file and
// `why`.
OperationError changed_error(const std::string& where, const std::string& path,
                             const std::string& why);

// `read()`, a digest of a range of `path` taken for its upload, whose size was known when the
// upload began: a file that ends before the range (crypto::FileEndedEarly) was truncated or
// rewritten meanwhile, so it is thrown as changed_error; any other failure passes unchanged.
template <typename Read>
auto read_for_upload(const std::string& where, const std::string& path, Read&& read) {
  try {
    return read();
  } catch (const crypto::FileEndedEarly&) {
    throw changed_error(where, path, "it ended early while it was read");
  }
}

// After S3 refused a byte range's digest: throws changed_error when the range of `path` no
// longer has the MD5 `md5` (raw) that was sent (the file changed), and returns when it has (the
// bytes were damaged on the way, worth sending again).
void check_range_unchanged(const std::string& where, const std::string& path, uint64_t offset,
                           uint64_t length, const std::string& md5);

// Whether S3 refused a body that does not match its Content-MD5 or signed SHA-256.
bool is_digest_refusal(const net::HttpResponse& response);

// `s3 PUT s3://b/k: HTTP 403 AccessDenied: ...`, transient or permanent as the response says.
OperationError s3_error(const std::string& op, const std::string& target,
                        const net::HttpResponse& response, const std::string& context = "");

// An ETag header or element without its quotes.
std::string unquote_etag(const std::string& etag);

// True for a 32-hex-digit ETag (an MD5), false for multipart-style `hex-N` and others.
bool is_md5_etag(const std::string& etag);

}  // namespace ferry::s3
