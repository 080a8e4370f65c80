// The S3 implementation of net::ObjectStore: SigV4-signed requests through an injected
// net::HttpClient (in production a RetryingHttpClient over a pool of libcurl handles), files
// streamed from and to disk, never held in memory.
//
// Keys. Every key given to or returned by this class is relative to the configured `prefix`,
// which is a folder: "exports" and "exports/" both store `a.csv` as `exports/a.csv`. list()
// returns keys with its own `prefix` argument included, so they can be passed back to get_file.
//
// Uploads. A single PUT (files up to multipart_threshold) reads the file once before sending
// it: over HTTPS for its Content-MD5, the payload going UNSIGNED-PAYLOAD as the AWS CLI sends
// it (TLS and the signed Content-MD5 protect it); over plain HTTP for the SHA-256 it signs, the
// MD5 (compared with the ETag) and the SHA-256 of what goes out being taken while it is sent
// (bytes sent that are not those hashed: the object is removed, a transient error). Larger
// files go up in parts (part_size, enlarged when needed to stay within 10,000 parts), each with
// Content-MD5 (and, over plain HTTP, its own signed SHA-256), each retried on its own up to
// part_attempts times. Up to `parallel` parts are in flight at once, one HTTP exchange each,
// while one thread hashes the parts ahead of them (at most `parallel` parts hashed and
// waiting). Memory bound: parts are streamed from the file by range and never held; what an
// upload holds is about 1 MiB of libcurl buffers per part in flight plus 2 MiB for the hasher,
// so under 20 MiB at parallel = 16 whatever the part size. A failed multipart upload is aborted
// (AbortMultipartUpload) so nothing half-made stays behind, and a completed one is checked by
// HEAD against the file's size.
//
// A file that changes during its upload fails the upload (transient), and no object is left
// from it: bytes changed between hashing and sending are refused by S3 (BadDigest to the
// Content-MD5, which ferry tells from damage on the wire by hashing the range again); a change
// that leaves every part consistent with its digest is caught by comparing the file's size and
// modification time from before hashing with those after the last byte went out (before the
// multipart upload is completed; a single PUT's object is removed).
//
// Downloads go to a temp file in the target's directory and are hashed (MD5) as the bytes
// arrive, never read back; they are checked against Content-Length and, when the ETag is a plain
// MD5, against it, then fsynced and renamed. A download that fails leaves no file at the target.
//
// Errors are OperationError with messages such as
// `s3 PUT s3://bucket/key: HTTP 403 AccessDenied: Access Denied`; 5xx (SlowDown,
// InternalError), 429, timeouts and S3's 400 RequestTimeout are transient, the rest permanent.
// Messages never contain credentials or signatures.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "ferry/net/http.h"
#include "ferry/net/object_store.h"
#include "ferry/s3/sigv4.h"

namespace ferry::s3 {

inline constexpr uint64_t kMiB = 1024 * 1024;
inline constexpr uint64_t kMaxParts = 10000;
inline constexpr int kMaxParallel = 16;  // parts in flight at most
inline constexpr std::chrono::seconds kMaxPresign{7 * 24 * 3600};

struct S3Options {
  std::string endpoint;  // empty: https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";
  std::string bucket;
  std::string prefix;
  bool path_style = false;  // https://endpoint/bucket/key instead of https://bucket.endpoint/key
  Credentials credentials;
  uint64_t multipart_threshold = 100 * kMiB;  // files larger than this go up in parts
  uint64_t part_size = 8 * kMiB;
  int parallel = 4;         // parts of one multipart upload in flight at once (1..16)
  int part_attempts = 3;    // per part (and for CompleteMultipartUpload), above the HTTP retries
  bool verify_etag = true;  // false for stores whose ETags are not MD5s (SSE-KMS, SSE-C)
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{120'000};           // bodiless requests, list, complete
  std::chrono::milliseconds transfer_timeout{6 * 3600 * 1000};  // one PUT, part or GET
  std::chrono::milliseconds stall_timeout{60'000};  // a transfer moving nothing this long fails
  // Time for signatures, which S3 accepts only within 15 minutes of its own clock: the real
  // clock even when the run's time is pinned. Defaults to system_clock::now.
  std::function<TimePoint()> signing_clock;
};

// Where requests go: scheme, `host[:port]` as sent in the Host header (default ports dropped)
// and an optional base path.
struct Endpoint {
  std::string scheme;
  std::string host;
  std::string base_path;  // "" or "/path" without a trailing slash
};
// Throws UsageError when `url` is not http(s)://host[:port][/path].
Endpoint parse_endpoint(const std::string& url);

// (bytes done, bytes in total, 0 when unknown)
using Progress = std::function<void(uint64_t done, uint64_t total)>;

struct FileStamp;  // what tells that a file changed (src/s3/client_internal.h)

class S3Client : public net::ObjectStore {
 public:
  // `http` must outlive the client. A multipart upload calls it from up to options.parallel
  // threads at once, so it must then be safe to call concurrently: core::Context::http() (a
  // retrying client over a net::HttpClientPool) and net::FakeHttpClient are; give a single
  // libcurl client only with parallel = 1. Throws UsageError for a bad endpoint or empty bucket.
  S3Client(net::HttpClient& http, S3Options options);

  void put_file(const std::string& key, const std::string& path) override;
  void get_file(const std::string& key, const std::string& path) override;
  std::optional<net::ObjectInfo> head(const std::string& key) override;
  std::vector<net::ObjectInfo> list(const std::string& prefix,
                                    const std::string& start_after = "") override;
  // One ListObjectsV2 request with max-keys.
  std::vector<net::ObjectInfo> list_first(const std::string& prefix, size_t max) override;
  void remove(const std::string& key) override;
  std::string presign_get(const std::string& key, std::chrono::seconds expires,
                          TimePoint now) override;
  std::string describe() const override;
  // The endpoint (the AWS one of the region when none is configured), region, bucket, prefix.
  net::ObjectLocation location() const override {
    return {options_.endpoint, options_.region, options_.bucket, prefix_};
  }

  // Reports transfer progress of put_file and get_file (may be empty).
  void set_progress(Progress progress) { progress_ = std::move(progress); }
  const S3Options& options() const { return options_; }
  // The stored key for `key`: the prefix prepended.
  std::string full_key(const std::string& key) const { return prefix_ + key; }
  // The part size used for a file of `size` bytes.
  uint64_t part_size_for(uint64_t size) const;

 private:
  struct Call;  // one signed request
  struct Part;  // one part of a multipart upload, with its digests
  class PartProgress;
  net::HttpResponse send(const Call& call) const;
  std::string target(const std::string& full) const;  // s3://bucket/key
  void put_single(const std::string& full, const std::string& path, const FileStamp& stamp);
  void put_multipart(const std::string& full, const std::string& path, const FileStamp& stamp);
  std::string initiate_upload(const std::string& full);
  std::vector<std::string> upload_parts(const std::string& full, const std::string& upload_id,
                                        const std::string& path, uint64_t size);
  std::string upload_part(const std::string& full, const std::string& upload_id,
                          const std::string& path, const Part& part, PartProgress& progress) const;
  bool complete_upload(const std::string& full, const std::string& upload_id,
                       const std::vector<std::string>& etags);
  void abort_upload(const std::string& full, const std::string& upload_id);
  std::string request_path(const std::string& full) const;
  std::string request_host() const;

  net::HttpClient& http_;
  S3Options options_;
  Endpoint endpoint_;
  std::string prefix_;
  Progress progress_;
};

// One line for an S3 failure, without the operation: `HTTP 404 NoSuchKey: The specified key
// does not exist.`, `HTTP 503 SlowDown after 5 tries`, `timeout: ...`.
std::string describe_failure(const net::HttpResponse& response);
// Whether trying again later may help: transport failures, 429, 5xx, 400 RequestTimeout.
bool is_transient_failure(const net::HttpResponse& response);

}  // namespace ferry::s3
