// The two Matomo calls ferry makes, over an HttpClient: the site's main URL
// (SitesManager.getSiteFromId through the Reporting API) and one bulk tracking request.
//
// Every call has the configured connect and whole-exchange timeouts. The token travels in
// request bodies only and is scrubbed (plain, URL-encoded, JSON-escaped) from every message,
// also when a server echoes it. Failure messages start with `matomo: ` and name the call.
//
// Thread safety: send_bulk() and main_url() may be called from several threads at once when
// `http` may be (core::Context::http() may; a FakeHttpClient may not).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/net/http.h"

namespace ferry::matomo {

struct ClientOptions {
  std::string url;         // Matomo base URL ending in '/' (one is added when missing)
  std::string token_auth;  // only in request bodies; scrubbed from every message
  std::chrono::milliseconds connect_timeout{10'000}, timeout{120'000};
};

// What Matomo said of one bulk request it stored.
struct BulkReply {
  int64_t tracked = 0, invalid = 0;
  std::vector<int64_t> invalid_indices;  // positions in the request (super-user tokens only)
  int64_t sent = 0;                      // hits in the request
  int64_t shortfall = 0;  // sent - tracked - invalid when positive: hits Matomo skipped silently
};

// The User-Agent of every request: the one import_logs.py sends, so that rules written for it
// on the Matomo side (web application firewalls, log filters) apply to ferry as well.
inline constexpr const char* kUserAgent = "Matomo/LogImport";

class Client {
 public:
  // `http` must outlive the client.
  Client(net::HttpClient& http, ClientOptions options);

  // SitesManager.getSiteFromId (form-encoded POST to {url}index.php). Returns the site's
  // main_url. Permanent failure for a token Matomo refuses (HTTP 401/403 or its error JSON),
  // for a site id it does not know (the message says which) and for a reply without main_url;
  // transient for 5xx, 429, timeouts, connection failures and a 200 that is not JSON.
  Result<std::string> main_url(int64_t idsite);

  // One bulk request: POST {url}matomo.php?queuedtracking=0 with
  // {"token_auth":..,"requests":[hits]} (each hit a JSON object text), sent once (the caller
  // retries: HttpRequest::max_attempts is 1). Ok only for 200 + {"status":"success",...}; a
  // `tracked + invalid` below the number sent is ok with BulkReply::shortfall set.
  // Failures: 400 permanent (BulkTracking plugin disabled?); 401/403 permanent (token
  // refused); 500 (Matomo's error JSON: nothing stored), other 5xx, 429, timeouts, connection
  // failures and a 200 that is not the success JSON (a GIF: wrong URL or a queued-tracking
  // plugin) transient; a call cut by a stop request interrupted. Never throws for network or
  // HTTP failures (an OperationError of the HTTP stack becomes its Failure).
  Result<BulkReply> send_bulk(const std::vector<std::string_view>& hits);

  // The bulk endpoint and the API endpoint, for messages.
  const std::string& tracking_url() const { return tracking_url_; }
  const std::string& api_url() const { return api_url_; }

 private:
  net::HttpClient& http_;
  ClientOptions options_;
  std::string tracking_url_, api_url_;
};

// The bulk request body for `hits` (exposed for tests and the benchmark).
std::string bulk_body(const std::string& token_auth, const std::vector<std::string_view>& hits);

}  // namespace ferry::matomo
