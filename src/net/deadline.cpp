#include "ferry/net/deadline.h"

#include <algorithm>

#include "ferry/base/error.h"
#include "ferry/net/redact.h"

namespace ferry::net {

HttpRequest cap_timeouts(HttpRequest request, std::chrono::milliseconds left, bool* cut) {
  // Connect and stall timeouts cut to `left` cannot fire after the exchange timeout does.
  *cut = request.timeout.count() == 0 || request.timeout > left;
  if (*cut) request.timeout = left;
  request.connect_timeout = std::min(request.connect_timeout, left);
  if (request.stall_timeout > left) request.stall_timeout = left;
  return request;
}

void throw_out_of_time(const HttpRequest& request, const std::string& why) {
  throw OperationError(FailureKind::kInterrupted, request.method + " " + redact_url(request.url) +
                                                      ": " + why +
                                                      "; the run's time budget is spent");
}

HttpResponse DeadlineHttpClient::send(const HttpRequest& request) {
  std::optional<std::chrono::milliseconds> left = time_left_ ? time_left_() : std::nullopt;
  // A clean-up call (aborting a multipart upload) goes out with its own timeouts even when the
  // budget is spent: it is what keeps a cut-short unit from leaving debris behind.
  if (!left || !request.interruptible) return inner_.send(request);
  if (left->count() <= 0) throw_out_of_time(request, "not sent");
  bool cut = false;
  HttpResponse r = inner_.send(cap_timeouts(request, *left, &cut));
  // A timeout before the budget's end (a stalled transfer) stays the call's own failure.
  if (cut && r.error == TransportError::kTimeout && time_left_().value_or(left->zero()).count() <= 0)
    throw_out_of_time(request, r.describe());
  return r;
}

}  // namespace ferry::net
