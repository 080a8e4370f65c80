// Helpers for the S3Client tests that run against FakeHttpClient.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ferry/crypto/hash.h"
#include "ferry/net/fake_http.h"
#include "ferry/s3/client.h"
#include "support/process.h"

namespace ferry::s3::test_support {

using net::FakeHttpClient;
using net::HttpRequest;
using net::HttpResponse;

// Path-style loopback target `bucket` with prefix `pre`, tiny multipart sizes (parts of 4 bytes
// above 10 bytes), parts sent one at a time.
inline S3Options loopback_options() {
  S3Options o;
  o.endpoint = "http://127.0.0.1:9000";
  o.bucket = "bucket";
  o.prefix = "pre";
  o.path_style = true;
  o.credentials = {"AKID", "SECRET", ""};
  o.multipart_threshold = 10;
  o.part_size = 4;
  o.parallel = 1;  // one part at a time, so requests come in order; parallel tests set theirs
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

// A multipart-capable handler, safe to call from several threads: part `fail_part` answers with
// `failure` while `failures` > 0. `log` holds "initiate", "part N", "complete", "abort ID",
// "head", "delete" in the order the calls came.
struct MultipartServer {
  int fail_part = 0;
  int failures = 0;
  HttpResponse failure;
  uint64_t head_size = 11;
  std::vector<std::string> log;
  std::mutex mu;

  HttpResponse operator()(const HttpRequest& r) {
    auto q = query_of(r.url);
    std::lock_guard<std::mutex> lock(mu);
    if (r.method == "POST" && q.count("uploads")) {
      log.push_back("initiate");
      return FakeHttpClient::respond(200,
                                     "<InitiateMultipartUploadResult><UploadId>up/1</UploadId>"
                                     "</InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT" && q.count("partNumber")) {
      log.push_back("part " + q["partNumber"]);
      if (std::stoi(q["partNumber"]) == fail_part && failures > 0) {
        --failures;
        return failure;
      }
      return FakeHttpClient::respond(200, "",
                                     {{"etag", "\"" + crypto::md5_hex(body_of(r)) + "\""}});
    }
    if (r.method == "POST" && q.count("uploadId")) {
      log.push_back("complete");
      return FakeHttpClient::respond(200, "<CompleteMultipartUploadResult/>");
    }
    if (r.method == "DELETE" && q.count("uploadId")) {
      log.push_back("abort " + q["uploadId"]);
      return FakeHttpClient::respond(204);
    }
    if (r.method == "HEAD") {
      log.push_back("head");
      return FakeHttpClient::respond(200, "", {{"content-length", std::to_string(head_size)}});
    }
    if (r.method == "DELETE") {
      log.push_back("delete");
      return FakeHttpClient::respond(204);
    }
    return FakeHttpClient::respond(400, error_xml("Unexpected", r.method + " " + r.url));
  }
};

}  // namespace ferry::s3::test_support
