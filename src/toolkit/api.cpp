#include "ferry/toolkit/api.h"

#include "ferry/base/scrub.h"
#include "ferry/net/redact.h"

namespace ferry::toolkit {

std::string one_line(std::string text, size_t max) {
  for (char& c : text)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  if (text.size() > max) text = text.substr(0, max > 3 ? max - 3 : 0) + "...";
  return text;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  return Scrubber(secrets)(text);
}

std::string describe_call(const net::HttpRequest& request) {
  return request.method + " " + net::redact_url(request.url);
}

Status classify(const std::string& call, const net::HttpResponse& r, const CallOptions& options) {
  if (r.ok()) return Status::ok();
  std::string head = options.context + call + ": ";
  std::string tries = r.attempts > 1 ? " after " + std::to_string(r.attempts) + " tries" : "";
  if (r.error != net::TransportError::kNone) {
    std::string msg =
        scrub(head + one_line(scrub(r.describe(), options.secrets)) + tries, options.secrets);
    if (r.interrupted()) return Failure::interrupted(msg);
    return r.transient() ? Failure::transient(msg) : Failure::permanent(msg);
  }
  bool permanent = false;
  // Scrubbed before it is cut, so a secret the reply repeats cannot survive as a cut prefix.
  std::string detail =
      options.detail ? one_line(scrub(options.detail(r, &permanent), options.secrets)) : "";
  std::string msg =
      head + "HTTP " + std::to_string(r.status) + (detail.empty() ? "" : " " + detail);
  bool transient = !permanent && (r.status == 429 || r.status >= 500);
  msg = scrub(transient ? msg + tries : msg, options.secrets);
  return transient ? Failure::transient(msg) : Failure::permanent(msg);
}

Result<net::HttpResponse> call(net::HttpClient& http, net::HttpRequest request,
                               const CallOptions& options) {
  request.connect_timeout = options.connect_timeout;
  request.timeout = options.timeout;
  request.retry_timeouts = options.retry_timeouts;
  net::HttpResponse response = http.send(request);
  Status status = classify(describe_call(request), response, options);
  if (!status) return status.failure();
  return response;
}

}  // namespace ferry::toolkit
