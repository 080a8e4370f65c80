// Pieces shared by client.cpp and multipart.cpp; not part of the public interface.
#pragma once

#include <string>

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

// `s3 PUT s3://b/k: HTTP 403 AccessDenied: ...`, transient or permanent as the response says.
OperationError s3_error(const std::string& op, const std::string& target,
                        const net::HttpResponse& response, const std::string& context = "");

// An ETag header or element without its quotes.
std::string unquote_etag(const std::string& etag);

// True for a 32-hex-digit ETag (an MD5), false for multipart-style `hex-N` and others.
bool is_md5_etag(const std::string& etag);

}  // namespace ferry::s3
