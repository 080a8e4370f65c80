#include "ferry/s3/client.h"
#include "ferry/base/text.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "ferry/base/error.h"
#include "ferry/crypto/base64.h"
#include "ferry/crypto/hash.h"
#include "ferry/io/files.h"
#include "ferry/s3/xml.h"
#include "s3/client_internal.h"
#include "s3/received.h"

namespace ferry::s3 {
namespace {

std::string error_code(const net::HttpResponse& r) {
  auto doc = parse_error(r.body);
  return doc ? doc->code : "";
}

// Removes a temp file unless released.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::string path_;
};

std::string make_temp_beside(const std::string& path, const std::string& target) {
  std::filesystem::path p(path);
  std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  io::make_dirs(dir);
  std::string tmpl = dir + "/." + p.filename().string() + ".ferry-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    throw OperationError(
        FailureKind::kPermanent,
        "s3 GET " + target + ": cannot create a temp file in " + dir + ": " + std::strerror(errno));
  ::close(fd);
  return tmpl;
}

}  // namespace

OperationError s3_error(const std::string& op, const std::string& target,
                        const net::HttpResponse& response, const std::string& context) {
  std::string where = context.empty() ? "" : " (" + context + ")";
  const FailureKind kind = response.interrupted()           ? FailureKind::kInterrupted
                           : is_transient_failure(response) ? FailureKind::kTransient
                                                            : FailureKind::kPermanent;
  return OperationError(kind,
                        "s3 " + op + " " + target + where + ": " + describe_failure(response));
}

std::string unquote_etag(const std::string& etag) {
  std::string e = etag;
  if (e.rfind("W/", 0) == 0) e = e.substr(2);
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
  return e;
}

bool is_md5_etag(const std::string& etag) {
  return etag.size() == 32 &&
         std::all_of(etag.begin(), etag.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::string describe_failure(const net::HttpResponse& r) {
  if (r.error != net::TransportError::kNone || r.status == 0) return r.describe();
  std::string out = "HTTP " + std::to_string(r.status);
  if (auto doc = parse_error(r.body)) {
    if (!doc->code.empty()) out += " " + doc->code;
    if (!doc->message.empty()) out += ": " + doc->message;
  }
  if (r.attempts > 1) out += " after " + std::to_string(r.attempts) + " tries";
  return out;
}

bool is_transient_failure(const net::HttpResponse& r) {
  if (r.transient()) return true;
  std::string code = error_code(r);
  return code == "RequestTimeout" || code == "SlowDown" || code == "InternalError" ||
         code == "ServiceUnavailable";
}

Endpoint parse_endpoint(const std::string& url) {
  size_t sep = url.find("://");
  std::string scheme = sep == std::string::npos ? "" : lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https")
    throw UsageError("S3 endpoint '" + mask_url_password(url) +
                     "' must start with http:// or https://");
  std::string rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (authority.empty() || authority.find('@') != std::string::npos ||
      path.find_first_of("?#") != std::string::npos)
    throw UsageError("S3 endpoint '" + mask_url_password(url) +
                     "' must be scheme://host[:port][/path]");
  authority = lower(authority);
  std::string default_port = scheme == "https" ? ":443" : ":80";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(),
                        default_port) == 0)
    authority.resize(authority.size() - default_port.size());
  return {scheme, authority, path};
}

S3Client::S3Client(net::HttpClient& http, S3Options options)
    : http_(http), options_(std::move(options)) {
  if (options_.bucket.empty()) throw UsageError("S3 bucket is not set");
  if (options_.endpoint.empty())
    options_.endpoint = "https://s3." + options_.region + ".amazonaws.com";
  endpoint_ = parse_endpoint(options_.endpoint);
  prefix_ = options_.prefix;
  while (!prefix_.empty() && prefix_.front() == '/') prefix_.erase(0, 1);
  if (!prefix_.empty() && prefix_.back() != '/') prefix_.push_back('/');
  if (options_.part_size == 0) options_.part_size = 8 * kMiB;
  if (options_.part_attempts < 1) options_.part_attempts = 1;
  options_.parallel = std::clamp(options_.parallel, 1, kMaxParallel);
  if (!options_.signing_clock)
    options_.signing_clock = [] { return std::chrono::system_clock::now(); };
}

std::string S3Client::describe() const {
  return "s3://" + options_.bucket + (prefix_.empty() ? "" : "/" + prefix_);
}

std::string S3Client::target(const std::string& full) const {
  return "s3://" + options_.bucket + "/" + full;
}

std::string S3Client::request_host() const {
  return options_.path_style ? endpoint_.host : options_.bucket + "." + endpoint_.host;
}

std::string S3Client::request_path(const std::string& full) const {
  std::string path = endpoint_.base_path;
  if (options_.path_style) path += "/" + options_.bucket;
  return path + "/" + full;
}

net::HttpResponse S3Client::send(const Call& call) const {
  const std::string path = call.bucket_level && options_.path_style
                               ? endpoint_.base_path + "/" + options_.bucket
                           : call.bucket_level ? endpoint_.base_path + "/"
                                               : request_path(call.key);
  const std::string host = request_host();
  SigningParams params{options_.credentials, options_.region, "s3"};
  net::HttpRequest req;
  req.method = call.method;
  std::string query = canonical_query(call.query);
  req.url =
      endpoint_.scheme + "://" + host + uri_encode(path, true) + (query.empty() ? "" : "?" + query);
  req.headers.emplace_back("Host", host);
  for (auto& h : sign_headers(params, call.method, host, path, call.query, call.headers,
                              call.payload_hash, options_.signing_clock()))
    req.headers.push_back(std::move(h));
  req.body = call.body;
  req.response_file = call.response_file;
  req.connect_timeout = options_.connect_timeout;
  req.timeout = call.transfer ? options_.transfer_timeout : options_.request_timeout;
  if (call.transfer) req.stall_timeout = options_.stall_timeout;
  req.progress = call.progress;
  if (call.on_body) {
    req.on_body_start = [f = call.on_body] { f(nullptr, 0); };
    req.on_body = [f = call.on_body](std::string_view piece) {
      f(piece.data(), piece.size());
      return true;
    };
  }
  req.interruptible = call.interruptible;
  return http_.send(req);
}

std::optional<net::ObjectInfo> S3Client::head(const std::string& key) {
  const std::string full = full_key(key);
  Call call;
  call.method = "HEAD";
  call.key = full;
  net::HttpResponse r = send(call);
  if (r.status == 404) return std::nullopt;
  if (!r.ok()) throw s3_error("HEAD", target(full), r);
  net::ObjectInfo info;
  info.key = key;
  auto length = r.header("content-length");
  if (!length || length->empty() || length->find_first_not_of("0123456789") != std::string::npos)
    throw OperationError(FailureKind::kTransient,
                         "s3 HEAD " + target(full) + ": no valid Content-Length in the answer");
  info.size = std::stoull(*length);
  info.etag = unquote_etag(r.header("etag").value_or(""));
  info.last_modified = r.header("last-modified").value_or("");
  return info;
}

std::vector<net::ObjectInfo> S3Client::list(const std::string& prefix,
                                            const std::string& start_after) {
  std::vector<net::ObjectInfo> out;
  std::string token;
  const std::string full_prefix = full_key(prefix);
  const std::string where = target(full_prefix) + "*";
  for (;;) {
    Call call;
    call.bucket_level = true;
    call.query = {{"list-type", "2"}, {"prefix", full_prefix}};
    if (!start_after.empty()) call.query.emplace_back("start-after", full_key(start_after));
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    net::HttpResponse r = send(call);
    if (!r.ok()) throw s3_error("LIST", where, r);
    ListPage page;
    try {
      page = parse_list_page(r.body);
    } catch (const std::invalid_argument& e) {
      throw OperationError(FailureKind::kTransient,
                           "s3 LIST " + where + ": bad answer: " + e.what());
    }
    for (auto& info : page.objects) {
      if (info.key.compare(0, prefix_.size(), prefix_) == 0) info.key.erase(0, prefix_.size());
      out.push_back(std::move(info));
    }
    if (!page.truncated) break;
    if (page.next_token.empty() || page.next_token == token)
      throw OperationError(
          FailureKind::kTransient,
          "s3 LIST " + where + ": truncated page without a new continuation token");
    token = page.next_token;
  }
  return out;
}

std::vector<net::ObjectInfo> S3Client::list_first(const std::string& prefix, size_t max) {
  const std::string full_prefix = full_key(prefix);
  const std::string where = target(full_prefix) + "*";
  Call call;
  call.bucket_level = true;
  call.query = {{"list-type", "2"}, {"max-keys", std::to_string(max)}, {"prefix", full_prefix}};
  net::HttpResponse r = send(call);
  if (!r.ok()) throw s3_error("LIST", where, r);
  ListPage page;
  try {
    page = parse_list_page(r.body);
  } catch (const std::invalid_argument& e) {
    throw OperationError(FailureKind::kTransient, "s3 LIST " + where + ": bad answer: " + e.what());
  }
  std::vector<net::ObjectInfo> out;
  for (auto& info : page.objects) {
    if (out.size() == max) break;
    if (info.key.compare(0, prefix_.size(), prefix_) == 0) info.key.erase(0, prefix_.size());
    out.push_back(std::move(info));
  }
  return out;
}

void S3Client::remove(const std::string& key) {
  const std::string full = full_key(key);
  Call call;
  call.method = "DELETE";
  call.key = full;
  net::HttpResponse r = send(call);
  if (r.ok() || r.status == 404) return;
  throw s3_error("DELETE", target(full), r);
}

std::string S3Client::presign_get(const std::string& key, std::chrono::seconds expires,
                                  TimePoint now) {
  if (expires > kMaxPresign)
    throw UsageError(
        "presigned S3 links last at most 7 days (604800 s, the SigV4 limit); asked for " +
        format_duration(expires));
  if (expires.count() <= 0) throw UsageError("a presigned S3 link must last at least 1 second");
  const std::string path = request_path(full_key(key));
  const std::string host = request_host();
  SigningParams params{options_.credentials, options_.region, "s3"};
  return endpoint_.scheme + "://" + host + uri_encode(path, true) + "?" +
         presign_query(params, "GET", host, path, {}, expires, now);
}

void S3Client::get_file(const std::string& key, const std::string& path) {
  const std::string full = full_key(key);
  const std::string where = target(full);
  TempFile temp(make_temp_beside(path, where));
  Received got(temp.path(), "s3 GET " + where);
  Call call;
  call.key = full;
  call.response_file = temp.path();
  call.transfer = true;
  call.progress = progress_;
  call.on_body = [&got](const char* data, size_t size) { got.add(data, size); };
  net::HttpResponse r = send(call);
  if (!r.ok()) throw s3_error("GET", where, r);

  auto length = r.header("content-length");
  if (length && !length->empty() && length->find_first_not_of("0123456789") == std::string::npos &&
      std::to_string(got.bytes()) != *length)
    throw OperationError(FailureKind::kTransient, "s3 GET " + where + ": received " +
                                                      std::to_string(got.bytes()) +
                                                      " bytes, expected " + *length);
  const std::string etag = lower(unquote_etag(r.header("etag").value_or("")));
  if (options_.verify_etag && is_md5_etag(etag)) {
    const std::string md5 = got.md5_hex();
    if (md5 != etag)
      throw OperationError(
          FailureKind::kTransient,
          "s3 GET " + where + ": downloaded data has MD5 " + md5 + " but the ETag is " + etag);
  }
  got.sync();
  if (::rename(temp.path().c_str(), path.c_str()) != 0)
    throw OperationError(FailureKind::kPermanent, "s3 GET " + where + ": cannot rename to " + path +
                                                      ": " + std::strerror(errno));
  temp.release();
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  io::sync_directory(parent.empty() ? "." : parent.string());
}

}  // namespace ferry::s3
