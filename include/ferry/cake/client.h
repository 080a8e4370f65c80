// The CAKE API calls a job makes, over an HttpClient (in production the retrying client over
// libcurl, so timeouts, connection errors, 429 and 5xx are retried with back-off there). One
// call at a time: a CakeClient is used from one thread, so one process never makes concurrent
// calls to one CAKE domain; a CallGate, when given, bounds the calls of several hosts together. Every call has the configured connect and whole-exchange timeouts.
//
// Failure messages name the call (`cake: POST https://host/api/11/reports.asmx/Clicks: HTTP 401
// Invalid API Key`) and never hold the API key: it travels in the body only, and URLs are
// passed through net::redact_url.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "ferry/base/clock.h"
#include "ferry/base/error.h"
#include "ferry/cake/columns.h"
#include "ferry/cake/report_stream.h"
#include "ferry/cake/requests.h"
#include "ferry/cake/settings.h"
#include "ferry/net/http.h"

namespace ferry::cake {

struct CakeReply {
  std::string body;                      // the 2xx body (empty for a report: converted)
  std::chrono::milliseconds elapsed{0};  // from the first try to the last answer
  bool timed_out = false;  // the last try timed out (after the HTTP retries); failure says so
  std::optional<Failure> failure;  // why the call failed (transient for a timeout)
  bool ok() const { return !failure; }
};

// Ok for a 2xx, else the failure of a finished exchange (through toolkit::classify).
// `call` is `POST <redacted url>`. 401 and 403 and other 4xx are permanent (with CAKE's
// `d.message` or ASP.NET's `Message` when the body has one); an ASP.NET "Invalid web service
// call" 500 is permanent; other 5xx, 429 and transport failures are transient, with how many
// tries were made. `api_key` is scrubbed from the message (CAKE echoes requests in errors).
Status classify_reply(const std::string& call, const net::HttpResponse& response,
                      const std::string& api_key = "");

// Admits a call to CAKE: on a state shared by several hosts, a slot of `cake.max_concurrent_calls`
// counted across them (see SharedCallGate). enter() returns the failure that stops the call
// (no slot came free in time, or a stop was requested); leave() follows each enter() that
// returned ok.
class CallGate {
 public:
  virtual ~CallGate() = default;
  virtual Status enter() = 0;
  virtual void leave() = 0;
};

class CakeClient {
 public:
  // `http`, `timer` and `gate` (when given) must outlive the client; `settings` is copied
  // (admin_url normalized). Every call passes through `gate` first.
  CakeClient(net::HttpClient& http, const CakeSettings& settings, const Timer& timer,
             CallGate* gate = nullptr);

  // One report call for `slice`, its 2xx body handed to `into` as it arrives (restarted at
  // every try of the HTTP layer) and never held whole; the caller then calls into.finish().
  // With retry_timeouts false a timeout comes back at once (the caller splits the window)
  // instead of being retried by the HTTP layer. When `into` refuses the body the exchange is
  // cut and the failure is into.failure(). Throws the OperationError of into's output.
  CakeReply report(Report report, const ReportSlice& slice, bool retry_timeouts,
                   ReportConverter& into);
  // The Currencies table.
  CakeReply currencies();

  // `POST <url>` of a report call, for messages and logs (no key in it).
  std::string report_call(Report report) const;
  std::string currencies_call() const;

 private:
  CakeReply post(const std::string& url, std::string body, bool retry_timeouts,
                 ReportConverter* into = nullptr);
  std::string report_url(Report report) const;

  net::HttpClient& http_;
  CakeSettings settings_;
  const Timer& timer_;
  CallGate* gate_;
};

}  // namespace ferry::cake
