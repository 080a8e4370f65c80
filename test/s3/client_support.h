// Helpers for the S3Client tests that run against FakeHttpClient.
#pragma once

#include <map>
#include <string>

#include "ferry/crypto/hash.h"
#include "ferry/net/fake_http.h"
#include "ferry/s3/client.h"
#include "support/process.h"

namespace ferry::s3::test_support {

using net::FakeHttpClient;
using net::HttpRequest;
using net::HttpResponse;

// Path-style loopback target `bucket` with prefix `pre`, tiny multipart sizes (parts of 4 bytes
// above 10 bytes).
inline S3Options loopback_options() {
  S3Options o;
  o.endpoint = "http://127.0.0.1:9000";
  o.bucket = "bucket";
  o.prefix = "pre";
  o.path_style = true;
  o.credentials = {"AKID", "SECRET", ""};
  o.multipart_threshold = 10;
  o.part_size = 4;
  return o;
}

inline std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

// The query parameters of a request URL, still encoded.
inline std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  size_t q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t amp = rest.find('&', pos);
    std::string kv = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = kv.find('=');
    out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

inline std::string body_of(const HttpRequest& r) {
  if (r.body.file.empty()) return r.body.data;
  std::string all = ferry::testing::read_file(r.body.file);
  return all.substr(r.body.offset, r.body.length ? *r.body.length : std::string::npos);
}

inline std::string error_xml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>" + message +
         "</Message></Error>";
}

}  // namespace ferry::s3::test_support
