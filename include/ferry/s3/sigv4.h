// AWS Signature Version 4 for S3, as pure functions: header auth (Authorization) and query
// auth (presigned URLs). Nothing here reads a clock or the network.
//
// Paths and query parameters are passed raw (unencoded, UTF-8); these functions encode them
// exactly as AWS specifies for S3: every byte outside `A-Z a-z 0-9 - . _ ~` becomes `%XX`
// (upper-case hex), a space is `%20` (never `+`), `+` is `%2B`, and `/` is kept in paths but
// encoded in query names and values. S3 paths are neither normalised nor double-encoded.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/net/http.h"

namespace ferry::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

// Query parameters, raw (unencoded) names and values. A parameter without a value (`?uploads`)
// has an empty value.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

inline constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string, the payload hash of bodiless requests.
inline constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Percent-encodes `s` as above; `/` is kept when `keep_slash`.
std::string uri_encode(std::string_view s, bool keep_slash);

// `name=value` pairs, both encoded, sorted by encoded name then value, joined with `&`.
std::string canonical_query(const QueryParams& params);

// Canonical header block (`name:value\n` per header, names lower-cased and sorted, values
// trimmed with inner runs of spaces collapsed, repeated names joined with `,`) and the
// `;`-separated signed header names.
struct CanonicalHeaders {
  std::string block;
  std::string signed_names;
};
CanonicalHeaders canonical_headers(const net::Headers& headers);

// What is signed. `headers` are every header to sign, `host` included.
struct CanonicalInput {
  std::string method;
  std::string path;  // raw, starting with `/`
  QueryParams query;
  net::Headers headers;
  std::string payload_hash;  // hex SHA-256 of the body, or kUnsignedPayload
};
std::string canonical_request(const CanonicalInput& input);

// `20130524T000000Z` (UTC).
std::string amz_date(TimePoint t);
// `20130524/us-east-1/s3/aws4_request` for an amz_date's first 8 characters.
std::string credential_scope(const std::string& date8, const std::string& region,
                             const std::string& service = "s3");
std::string string_to_sign(const std::string& amz_date_text, const std::string& scope,
                           const std::string& canonical_request_text);
// The derived key: HMAC chain over date, region, service and `aws4_request`; raw bytes.
std::string signing_key(const std::string& secret, const std::string& date8,
                        const std::string& region, const std::string& service = "s3");
// Hex HMAC-SHA256 of the string to sign with the derived key.
std::string signature_hex(const std::string& key, const std::string& string_to_sign_text);

struct SigningParams {
  Credentials credentials;
  std::string region;
  std::string service = "s3";
};

// The headers to send for a header-authenticated request: `extra` (signed as given), then
// x-amz-content-sha256, x-amz-date, x-amz-security-token (with a session token) and
// Authorization. `host` (`host[:port]`, as the HTTP client will send it) is signed but not
// returned: the client sets it.
net::Headers sign_headers(const SigningParams& params, const std::string& method,
                          const std::string& host, const std::string& path,
                          const QueryParams& query, const net::Headers& extra,
                          const std::string& payload_hash, TimePoint now);

// The encoded query string of a presigned URL (X-Amz-Algorithm ... X-Amz-Signature, plus
// `query`), signing only `host`, payload UNSIGNED-PAYLOAD. The caller checks `expires`.
std::string presign_query(const SigningParams& params, const std::string& method,
                          const std::string& host, const std::string& path,
                          const QueryParams& query, std::chrono::seconds expires, TimePoint now);

}  // namespace ferry::s3
