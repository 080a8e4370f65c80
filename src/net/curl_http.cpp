#include "ferry/net/curl_http.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "ferry/base/error.h"
#include "ferry/base/interrupt.h"
#include "ferry/net/redact.h"
#include "net/curl_lib.h"

namespace ferry::net {
namespace {

struct Exchange {
  const HttpRequest* req = nullptr;
  HttpResponse* resp = nullptr;
  const CurlLib* lib = nullptr;
  CURL* curl = nullptr;
  // body source
  FILE* in = nullptr;
  uint64_t in_left = 0;
  size_t data_pos = 0;
  // streamed response: libcurl hands the body over in pieces of at most 16 KiB; they are
  // gathered into writes of 1 MiB (65,536 system calls for 1 GiB would be 1,024)
  int out = -1;
  std::string out_buf;
  int out_errno = 0;              // the write that failed, 0 when none did
  bool body_refused = false;      // on_body returned false
  bool interrupted = false;       // cut by progress_cb after a stop request
  std::exception_ptr sink_error;  // thrown by the request's on_body
};

size_t read_cb(char* buf, size_t size, size_t n, void* ud) {
  auto* x = static_cast<Exchange*>(ud);
  size_t want = size * n;
  if (x->in) {
    want = static_cast<size_t>(std::min<uint64_t>(want, x->in_left));
    size_t got = want ? std::fread(buf, 1, want, x->in) : 0;
    if (got < want && std::ferror(x->in)) return CURL_READFUNC_ABORT;
    x->in_left -= got;
    if (got && x->req->body.watch) x->req->body.watch(std::string_view(buf, got));
    return got;
  }
  const std::string& d = x->req->body.data;
  size_t got = std::min(want, d.size() - x->data_pos);
  std::memcpy(buf, d.data() + x->data_pos, got);
  x->data_pos += got;
  if (got && x->req->body.watch) x->req->body.watch(std::string_view(buf, got));
  return got;
}

constexpr size_t kOutBuffer = 1 << 20;

// Writes all of [data, data + len) to `fd`; false with `error` set (errno) when a write fails.
bool write_all(int fd, const char* data, size_t len, int& error) {
  while (len > 0) {
    ssize_t n = ::write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      return false;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

size_t write_cb(char* ptr, size_t size, size_t n, void* ud) {
  auto* x = static_cast<Exchange*>(ud);
  size_t len = size * n;
  long code = 0;
  x->lib->easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
  x->resp->body_bytes += len;
  const bool ok = code >= 200 && code < 300;
  if (x->out >= 0 && ok) {
    x->out_buf.append(ptr, len);
    if (x->out_buf.size() >= kOutBuffer) {
      if (!write_all(x->out, x->out_buf.data(), x->out_buf.size(), x->out_errno)) return 0;
      x->out_buf.clear();
    }
  } else if (!ok || !x->req->on_body) {
    x->resp->body.append(ptr, len);
  }
  if (ok && x->req->on_body) {
    try {
      if (!x->req->on_body(std::string_view(ptr, len))) {
        x->body_refused = true;
        return 0;  // CURLE_WRITE_ERROR
      }
    } catch (...) {
      x->sink_error = std::current_exception();  // no exception may cross libcurl
      return 0;
    }
  }
  return len;
}

size_t header_cb(char* ptr, size_t size, size_t n, void* ud) {
  auto* x = static_cast<Exchange*>(ud);
  std::string line(ptr, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    x->resp->headers.clear();  // a new response (after 100 Continue or a redirect)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  auto b = value.find_first_not_of(" \t");
  auto e = value.find_last_not_of(" \t\r\n");
  value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  x->resp->headers.emplace_back(std::move(name), std::move(value));
  return size * n;
}

int progress_cb(void* ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                curl_off_t ulnow) {
  auto* x = static_cast<Exchange*>(ud);
  // libcurl calls this about once a second even when nothing moves, so a stop reaches a
  // transfer that hangs.
  if (x->req->interruptible && must_abandon()) {
    x->interrupted = true;
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  if (!x->req->progress) return 0;
  if (ultotal > 0)
    x->req->progress(static_cast<uint64_t>(ulnow), static_cast<uint64_t>(ultotal));
  else
    x->req->progress(static_cast<uint64_t>(dlnow), static_cast<uint64_t>(dltotal));
  return 0;
}

// The answer to an exchange cut or not started because of a stop request.
void set_interrupted(HttpResponse& resp, const HttpRequest& req) {
  resp.status = 0;
  resp.error = TransportError::kInterrupted;
  resp.error_message = stop_reason() + " (" + redact_url(req.url) + ")";
}

TransportError classify(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::kTimeout;
    case CURLE_COULDNT_CONNECT:
      return TransportError::kConnect;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportError::kResolve;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportError::kSendRecv;
    default:
      return TransportError::kOther;
  }
}

class CurlHttpClient : public HttpClient {
 public:
  // Touches no libcurl: the library is loaded, and the handle made, by the first send().
  explicit CurlHttpClient(CurlOptions options) : options_(std::move(options)) {}
  ~CurlHttpClient() override {
    if (curl_) lib_->easy_cleanup(curl_);
  }

  HttpResponse send(const HttpRequest& request) override;

 private:
  void open_body(const HttpRequest& req, Exchange& x);
  curl_slist* set_request(const HttpRequest& req, Exchange& x, char* errbuf);
  CurlOptions options_;
  const CurlLib* lib_ = nullptr;  // set with curl_
  CURL* curl_ = nullptr;
};

void CurlHttpClient::open_body(const HttpRequest& req, Exchange& x) {
  if (req.body.file.empty()) return;
  x.in = std::fopen(req.body.file.c_str(), "rb");
  if (!x.in)
    throw OperationError(FailureKind::kPermanent,
                         "http: cannot read " + req.body.file + ": " + std::strerror(errno));
  std::fseek(x.in, 0, SEEK_END);
  auto size = static_cast<uint64_t>(std::ftell(x.in));
  if (req.body.offset > size)
    throw OperationError(FailureKind::kPermanent, "http: offset beyond end of " + req.body.file);
  std::fseek(x.in, static_cast<long>(req.body.offset), SEEK_SET);
  x.in_left =
      req.body.length ? std::min(*req.body.length, size - req.body.offset) : size - req.body.offset;
}

curl_slist* CurlHttpClient::set_request(const HttpRequest& req, Exchange& x, char* errbuf) {
  const CurlLib& lib = *lib_;
  CURL* c = curl_;
  lib.easy_setopt(c, CURLOPT_URL, req.url.c_str());
  lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  lib.easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  lib.easy_setopt(c, CURLOPT_VERBOSE, options_.verbose ? 1L : 0L);
  lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
  lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  if (req.stall_timeout.count() > 0) {
    lib.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    lib.easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                    std::max(1L, static_cast<long>(req.stall_timeout.count() / 1000)));
  }
  lib.easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
  lib.easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
  lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
  lib.easy_setopt(c, CURLOPT_WRITEDATA, &x);
  lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
  lib.easy_setopt(c, CURLOPT_HEADERDATA, &x);
  lib.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  lib.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
  lib.easy_setopt(c, CURLOPT_XFERINFODATA, &x);
  bool has_body = !req.body.file.empty() || !req.body.data.empty();
  uint64_t body_size = req.body.file.empty() ? req.body.data.size() : x.in_left;
  if (req.method == "HEAD") {
    lib.easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.method == "POST") {
    lib.easy_setopt(c, CURLOPT_POST, 1L);
    lib.easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    lib.easy_setopt(c, CURLOPT_READDATA, &x);
    lib.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
  } else if (req.method == "PUT" || has_body) {
    lib.easy_setopt(c, CURLOPT_UPLOAD, 1L);
    lib.easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    lib.easy_setopt(c, CURLOPT_READDATA, &x);
    lib.easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
    if (req.method != "PUT") lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (req.method != "GET") {
    lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  curl_slist* list = lib.slist_append(nullptr, "Expect:");
  for (const auto& [k, v] : req.headers) list = lib.slist_append(list, (k + ": " + v).c_str());
  lib.easy_setopt(c, CURLOPT_HTTPHEADER, list);
  return list;
}

HttpResponse CurlHttpClient::send(const HttpRequest& req) {
  HttpResponse resp;
  if (req.interruptible && must_abandon()) {
    set_interrupted(resp, req);
    return resp;
  }
  if (!curl_) {
    const CurlLib& lib = curl_lib();
    curl_ = lib.easy_init();
    if (!curl_) throw OperationError(FailureKind::kPermanent, "http: curl_easy_init failed");
    lib_ = &lib;
  } else {
    lib_->easy_reset(curl_);
  }
  Exchange x;
  x.req = &req;
  x.resp = &resp;
  x.lib = lib_;
  x.curl = curl_;
  open_body(req, x);
  if (req.body.watch_start) req.body.watch_start();
  if (req.on_body_start) req.on_body_start();
  if (!req.response_file.empty()) {
    x.out = ::open(req.response_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    x.out_buf.reserve(kOutBuffer + CURL_MAX_WRITE_SIZE);
    if (x.out < 0) {
      if (x.in) std::fclose(x.in);
      throw OperationError(FailureKind::kPermanent,
                           "http: cannot write " + req.response_file + ": " + std::strerror(errno));
    }
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = set_request(req, x, errbuf);
  CURLcode rc = lib_->easy_perform(curl_);
  lib_->slist_free_all(headers);
  if (x.in) std::fclose(x.in);
  if (x.out >= 0 && x.out_errno == 0)
    write_all(x.out, x.out_buf.data(), x.out_buf.size(), x.out_errno);
  if (x.out >= 0 && ::close(x.out) != 0 && x.out_errno == 0) x.out_errno = errno;
  if (x.out_errno != 0)
    throw OperationError(FailureKind::kPermanent, "http: cannot write " + req.response_file + ": " +
                                                      std::strerror(x.out_errno));
  if (x.sink_error) std::rethrow_exception(x.sink_error);
  long code = 0;
  lib_->easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
  resp.status = static_cast<int>(code);
  if (rc == CURLE_ABORTED_BY_CALLBACK && x.interrupted) {
    set_interrupted(resp, req);
  } else if (rc == CURLE_WRITE_ERROR && x.body_refused) {
    resp.error = TransportError::kAborted;
    resp.error_message = "the reader stopped the transfer (" + redact_url(req.url) + ")";
    resp.status = 0;
  } else if (rc != CURLE_OK) {
    resp.error = classify(rc);
    resp.error_message = errbuf[0] ? errbuf : lib_->easy_strerror(rc);
    resp.error_message += " (" + redact_url(req.url) + ")";
    resp.status = 0;
  }
  return resp;
}

}  // namespace

std::unique_ptr<HttpClient> make_curl_http_client(const CurlOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace ferry::net
