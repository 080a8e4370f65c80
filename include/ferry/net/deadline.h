// Caps every network wait by the time a run has left (`run.max_time`), as a decorator over any
// HttpClient; RetryingHttpClient caps its back-off with the same source.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "ferry/net/http.h"

namespace ferry::net {

// The time the run has left: zero once it is spent; nullopt when there is no limit (commands
// other than `run`).
using TimeLeft = std::function<std::optional<std::chrono::milliseconds>()>;

// `request` with its connect, whole-exchange and stall timeouts cut to `left` (precondition:
// left > 0); a whole-exchange timeout of 0 (none) becomes `left`, a stall timeout of 0 (off)
// stays off. `*cut` says whether the whole-exchange timeout was shortened (then a timeout of the
// call means the run's time ran out).
HttpRequest cap_timeouts(HttpRequest request, std::chrono::milliseconds left, bool* cut);

// Throws OperationError(kInterrupted): `METHOD url: <why>; the run's time budget is spent`.
[[noreturn]] void throw_out_of_time(const HttpRequest& request, const std::string& why);

class DeadlineHttpClient : public HttpClient {
 public:
  // `inner` must outlive this object; `time_left` may be empty (no limit).
  DeadlineHttpClient(HttpClient& inner, TimeLeft time_left)
      : inner_(inner), time_left_(std::move(time_left)) {}

  // Sends through `inner` with the timeouts capped by the time left. Throws
  // OperationError(kInterrupted) without sending when no time is left, and when a call whose
  // exchange timeout was capped timed out with no time left (the run's time ran out during it):
  // the caller abandons its unit without committing and the runner takes it up again with no
  // failure counted. Otherwise as `inner`.
  HttpResponse send(const HttpRequest& request) override;

 private:
  HttpClient& inner_;
  TimeLeft time_left_;
};

}  // namespace ferry::net
