#include "ferry/net/retry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "ferry/net/redact.h"

namespace ferry::net {

std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int attempt, double unit) {
  double cap = static_cast<double>(p.base_delay.count()) * std::pow(2.0, std::max(0, attempt - 1));
  cap = std::min(cap, static_cast<double>(p.max_delay.count()));
  unit = std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(cap * unit));
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           TimePoint now) {
  if (!value.empty() && std::all_of(value.begin(), value.end(), ::isdigit)) {
    if (value.size() > 9) return std::chrono::milliseconds(INT32_MAX);
    return std::chrono::seconds(std::stoll(value));
  }
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  TimePoint at = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
  return std::max(d, std::chrono::milliseconds(0));
}

RetryingHttpClient::RetryingHttpClient(HttpClient& inner, RetryPolicy policy, Timer& timer,
                                       RandomUnit random, const Clock& wall, TimeLeft time_left)
    : inner_(inner),
      policy_(policy),
      timer_(timer),
      random_(std::move(random)),
      wall_(wall),
      time_left_(std::move(time_left)) {}

HttpResponse RetryingHttpClient::send(const HttpRequest& request) {
  int max = request.max_attempts > 0 ? request.max_attempts : policy_.max_attempts;
  HttpResponse r;
  for (int attempt = 1;; ++attempt) {
    r = inner_.send(request);
    r.attempts = attempt;
    if (!r.transient() || attempt >= max) return r;
    if (!request.retry_timeouts && r.error == TransportError::kTimeout) return r;
    auto wait = backoff_delay(policy_, attempt, random_());
    if (auto ra = r.header("retry-after")) {
      if (auto parsed = parse_retry_after(*ra, wall_.now()))
        wait = std::min(*parsed, policy_.retry_after_cap);
    }
    if (auto left = time_left_ ? time_left_() : std::nullopt; left && wait >= *left)
      throw_out_of_time(request, r.describe() + " (try " + std::to_string(attempt) + "/" +
                                     std::to_string(max) + "), no time left to wait " +
                                     std::to_string(wait.count()) + " ms for the next try");
    spdlog::debug("{} {}: {} (try {}/{}), retrying in {} ms", request.method,
                  redact_url(request.url), r.describe(), attempt, max, wait.count());
    timer_.sleep_for(wait);
  }
}

}  // namespace ferry::net
