// The S3 implementation of net::ObjectStore: SigV4-signed requests through an injected
// net::HttpClient (in production a RetryingHttpClient over libcurl), files streamed from and to
// disk, never held in memory.
//
// Keys. Every key given to or returned by this class is relative to the configured `prefix`,
// which is a folder: "exports" and "exports/" both store `a.csv` as `exports/a.csv`. list()
// returns keys with its own `prefix` argument included, so they can be passed back to get_file.
//
// Integrity. A single PUT (files up to multipart_threshold) sends the real SHA-256 as
// x-amz-content-sha256 and Content-MD5, and checks the returned ETag. Larger files go up in
// parts (part_size, enlarged when needed to stay within 10,000 parts), each with Content-MD5
// (and, over plain HTTP, its own SHA-256; over HTTPS the part payload is UNSIGNED-PAYLOAD, as
// the AWS CLI sends it), each retried on its own up to part_attempts times; the file's digests for
// the next part are computed while the current part is sent. A failed multipart upload is
// aborted (AbortMultipartUpload) so nothing half-made stays behind, and a completed one is
// checked by HEAD against the file's size. Downloads go to a temp file in the target's
// directory, are checked against Content-Length and, when the ETag is a plain MD5, against it,
// then fsynced and renamed.
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
inline constexpr std::chrono::seconds kMaxPresign{7 * 24 * 3600};

struct S3Options {
  std::string endpoint;  // empty: https://s3.<region>.amazonaws.com
  std::string region = "us-east-1";
  std::string bucket;
  std::string prefix;
  bool path_style = false;  // https://endpoint/bucket/key instead of https://bucket.endpoint/key
  Credentials credentials;
  uint64_t multipart_threshold = 16 * kMiB;  // files larger than this go up in parts
  uint64_t part_size = 8 * kMiB;
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

class S3Client : public net::ObjectStore {
 public:
  // `http` must outlive the client. Throws UsageError for a bad endpoint or empty bucket.
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
  net::HttpResponse send(const Call& call);
  std::string target(const std::string& full) const;  // s3://bucket/key
  void put_single(const std::string& full, const std::string& path, uint64_t size);
  void put_multipart(const std::string& full, const std::string& path, uint64_t size);
  std::string initiate_upload(const std::string& full);
  std::vector<std::string> upload_parts(const std::string& full, const std::string& upload_id,
                                        const std::string& path, uint64_t size);
  std::string upload_part(const std::string& full, const std::string& upload_id,
                          const std::string& path, const Part& part);
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
