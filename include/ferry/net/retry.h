// Retries with exponential back-off and full jitter, as a decorator over any HttpClient.
#pragma once

#include <chrono>
#include <string>

#include "ferry/base/clock.h"
#include "ferry/net/deadline.h"
#include "ferry/net/http.h"

namespace ferry::net {

struct RetryPolicy {
  int max_attempts = 5;                                // first try included
  std::chrono::milliseconds base_delay{500};           // cap of the first back-off
  std::chrono::milliseconds max_delay{30'000};         // no back-off exceeds this
  std::chrono::milliseconds retry_after_cap{120'000};  // Retry-After beyond this is cut to it
};

// The wait before attempt `attempt + 1` after `attempt` failures (attempt >= 1): full jitter,
// uniformly in [0, min(max_delay, base_delay * 2^(attempt-1))], `unit` in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, double unit);

// Parses a Retry-After value (delta seconds or an HTTP date, relative to `now`); nullopt if
// unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value, TimePoint now);

class RetryingHttpClient : public HttpClient {
 public:
  // `inner`, `timer` must outlive this object. `wall` is used only to read HTTP-date
  // Retry-After values. `time_left` (may be empty: no limit) is the run's time left.
  RetryingHttpClient(HttpClient& inner, RetryPolicy policy, Timer& timer, RandomUnit random,
                     const Clock& wall, TimeLeft time_left = {});

  // Sends, retrying transient failures (timeouts unless request.retry_timeouts is false,
  // connection errors, 429, 5xx) up to the request's max_attempts (or the policy's); never a
  // call interrupted by a stop request (TransportError::kInterrupted). Waits back-off
  // or Retry-After (capped) between tries. Returns the last response; its `attempts` says how many
  // were made. Throws OperationError(kInterrupted) instead of waiting when the wait would not end
  // before the run's time is spent (time_left); lets the inner client's exceptions through.
  HttpResponse send(const HttpRequest& request) override;

 private:
  HttpClient& inner_;
  RetryPolicy policy_;
  Timer& timer_;
  RandomUnit random_;
  const Clock& wall_;  // the wall clock, read when a Retry-After date is compared
  TimeLeft time_left_;
};

}  // namespace ferry::net
