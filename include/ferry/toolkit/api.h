// Calling a web API the same way in every pipeline: every request has its timeouts, a reply is
// classified once (transient or permanent), and the failure is described once, in one line,
// with the URL redacted and every secret scrubbed.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/net/http.h"

namespace ferry::toolkit {

// One printable line of at most `max` bytes: CR, LF and tab become spaces, the rest is cut
// with `...`.
std::string one_line(std::string text, size_t max = 200);

// `text` with every occurrence of each secret replaced by `********`, plain, URL-encoded or
// JSON-escaped (Scrubber in base/scrub.h: secrets shorter than 3 characters are left).
std::string scrub(std::string text, const std::vector<std::string>& secrets);

struct CallOptions {
  std::string context;  // put before every message: `cake: `
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};
  bool retry_timeouts = true;        // see net::HttpRequest::retry_timeouts
  std::vector<std::string> secrets;  // scrubbed from every message (the server may echo them)
  // Reads a message from an error reply's body ("" when it has none). May set `permanent` to
  // refuse a retry the status alone would allow (a 500 that says the call itself is wrong).
  std::function<std::string(const net::HttpResponse&, bool* permanent)> detail;
};

// `METHOD url` with the URL redacted, as failures name a call.
std::string describe_call(const net::HttpRequest& request);

// Ok for a 2xx reply; otherwise the failure it stands for:
// `<context><call>: HTTP 502 <detail> after 3 tries`. Transient for transport failures that may
// pass (timeouts, refused connections), 429 and 5xx; interrupted for a call cut by a stop
// request; permanent for the rest.
Status classify(const std::string& call, const net::HttpResponse& response,
                const CallOptions& options);

// Sends `request` with the options' timeouts. Returns the 2xx response, or classify()'s failure.
Result<net::HttpResponse> call(net::HttpClient& http, net::HttpRequest request,
                               const CallOptions& options);

}  // namespace ferry::toolkit
