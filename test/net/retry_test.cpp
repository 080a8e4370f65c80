#include "ferry/net/retry.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "ferry/base/clock.h"
#include "ferry/net/fake_http.h"

namespace ferry::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// 2016-01-11T00:05:00Z, a Monday.
const TimePoint kWallNow = TimePoint(seconds(1452470700));
const FixedClock kWall(kWallNow);

// A FakeTimer that also remembers each wait.
class RecordingTimer : public FakeTimer {
 public:
  void sleep_for(milliseconds d) override {
    waits.push_back(d.count());
    FakeTimer::sleep_for(d);
  }
  std::vector<int64_t> waits;
};

RandomUnit constant(double u) {
  return [u] { return u; };
}

HttpRequest get(const std::string& url = "https://api.example.org/v1/rows") {
  HttpRequest r;
  r.url = url;
  return r;
}

HttpResponse with_status(int status, Headers headers = {}) {
  return FakeHttpClient::respond(status, "body " + std::to_string(status), std::move(headers));
}

TEST(RetryTest, BackoffCapsDoubleFromBaseAndStopAtMax) {
  RetryPolicy p;  // base 500 ms, max 30 s
  // unit 0.5: half of each cap.
  std::vector<int64_t> got;
  for (int attempt = 1; attempt <= 9; ++attempt)
    got.push_back(backoff_delay(p, attempt, 0.5).count());
  EXPECT_EQ(got, (std::vector<int64_t>{250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000}));
  // The cap itself bounds the jitter from above.
  EXPECT_EQ(backoff_delay(p, 1, 0.999999).count(), 499);
  EXPECT_EQ(backoff_delay(p, 7, 0.999999).count(), 29999);
  EXPECT_EQ(backoff_delay(p, 60, 0.999999).count(), 29999);
  EXPECT_EQ(backoff_delay(p, 1000, 0.5).count(), 15000);
}

TEST(RetryTest, BackoffIsFullJitterFromZero) {
  RetryPolicy p;
  p.base_delay = milliseconds(1000);
  p.max_delay = milliseconds(8000);
  for (int attempt = 1; attempt <= 6; ++attempt)
    EXPECT_EQ(backoff_delay(p, attempt, 0.0).count(), 0);
  EXPECT_EQ(backoff_delay(p, 1, 0.25).count(), 250);
  EXPECT_EQ(backoff_delay(p, 2, 0.25).count(), 500);
  EXPECT_EQ(backoff_delay(p, 3, 0.25).count(), 1000);
  EXPECT_EQ(backoff_delay(p, 4, 0.25).count(), 2000);
  EXPECT_EQ(backoff_delay(p, 5, 0.25).count(), 2000);
  // Out-of-range units are clamped, never beyond the cap or below zero.
  EXPECT_EQ(backoff_delay(p, 3, 7.0).count(), 4000);
  EXPECT_EQ(backoff_delay(p, 3, -1.0).count(), 0);
}

TEST(RetryTest, ParseRetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("0", kWallNow), milliseconds(0));
  EXPECT_EQ(parse_retry_after("7", kWallNow), milliseconds(7000));
  EXPECT_EQ(parse_retry_after("120", kWallNow), milliseconds(120000));
  auto huge = parse_retry_after("99999999999999", kWallNow);
  ASSERT_TRUE(huge.has_value());
  EXPECT_GT(huge->count(), 86'400'000);
}

TEST(RetryTest, ParseRetryAfterHttpDate) {
  EXPECT_EQ(parse_retry_after("Mon, 11 Jan 2016 00:05:42 GMT", kWallNow), milliseconds(42000));
  EXPECT_EQ(parse_retry_after("Mon, 11 Jan 2016 01:05:00 GMT", kWallNow), milliseconds(3600000));
  // A date in the past means now.
  EXPECT_EQ(parse_retry_after("Sun, 10 Jan 2016 23:00:00 GMT", kWallNow), milliseconds(0));
}

TEST(RetryTest, ParseRetryAfterRejectsGarbage) {
  for (const char* bad : {"", "soon", "-5", "1.5", " 5", "5s", "2016-01-11T00:06:00Z",
                          "Mon, 11 Jan 2016 00:05:42", "Mon, 11 Jan 2016 00:05:42 GMT junk"})
    EXPECT_EQ(parse_retry_after(bad, kWallNow), std::nullopt) << "'" << bad << "'";
}

TEST(RetryTest, SucceedsFirstTimeWithoutWaiting) {
  FakeHttpClient inner(std::deque<HttpResponse>{with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "body 200");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(inner.requests().size(), 1u);
  EXPECT_EQ(timer.total_slept(), milliseconds(0));
}

TEST(RetryTest, RetriesTransientStatusesWithBackoffSchedule) {
  FakeHttpClient inner(std::deque<HttpResponse>{with_status(503), with_status(502),
                                                with_status(429), with_status(200)});
  RecordingTimer timer;
  auto start = timer.elapsed_now();
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(inner.requests().size(), 4u);
  EXPECT_EQ(timer.waits, (std::vector<int64_t>{250, 500, 1000}));
  EXPECT_EQ(timer.total_slept(), milliseconds(1750));
  EXPECT_EQ(timer.elapsed_now() - start, milliseconds(1750));
}

TEST(RetryTest, JitterComesFromTheRandomSource) {
  std::deque<double> units = {0.1, 0.9, 0.5, 0.0};
  RandomUnit random = [&units] {
    double u = units.front();
    units.pop_front();
    return u;
  };
  FakeHttpClient inner([](const HttpRequest&) { return with_status(500); });
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, random, kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 5);
  // caps 500, 1000, 2000, 4000 times 0.1, 0.9, 0.5, 0.0
  EXPECT_EQ(timer.waits, (std::vector<int64_t>{50, 900, 1000, 0}));
}

TEST(RetryTest, GivesUpAfterMaxAttemptsWithoutSleepingAfterTheLast) {
  FakeHttpClient inner([](const HttpRequest&) { return with_status(503); });
  RecordingTimer timer;
  RetryPolicy p;
  p.max_attempts = 5;
  RetryingHttpClient client(inner, p, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "body 503");
  EXPECT_EQ(r.attempts, 5);
  EXPECT_EQ(inner.requests().size(), 5u);
  EXPECT_EQ(timer.waits, (std::vector<int64_t>{250, 500, 1000, 2000}));
  EXPECT_EQ(timer.total_slept(), milliseconds(3750));
}

TEST(RetryTest, ScheduleStopsGrowingAtMaxDelay) {
  FakeHttpClient inner([](const HttpRequest&) { return with_status(504); });
  RecordingTimer timer;
  RetryPolicy p;
  p.max_attempts = 8;
  p.base_delay = milliseconds(1000);
  p.max_delay = milliseconds(4000);
  RetryingHttpClient client(inner, p, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.attempts, 8);
  EXPECT_EQ(timer.waits, (std::vector<int64_t>{500, 1000, 2000, 2000, 2000, 2000, 2000}));
}

TEST(RetryTest, EveryTransientKindIsRetried) {
  std::vector<HttpResponse> transient = {
      with_status(429),
      with_status(500),
      with_status(502),
      with_status(503),
      with_status(504),
      with_status(599),
      FakeHttpClient::fail(TransportError::kTimeout, "Operation timed out"),
      FakeHttpClient::fail(TransportError::kConnect, "Connection refused"),
      FakeHttpClient::fail(TransportError::kResolve, "Could not resolve host"),
      FakeHttpClient::fail(TransportError::kSendRecv, "Connection reset by peer"),
      FakeHttpClient::fail(TransportError::kOther, "transfer closed"),
  };
  for (const auto& failure : transient) {
    FakeHttpClient inner(std::deque<HttpResponse>{failure, with_status(200)});
    RecordingTimer timer;
    RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
    auto r = client.send(get());
    EXPECT_EQ(r.status, 200) << failure.describe();
    EXPECT_EQ(r.attempts, 2) << failure.describe();
    EXPECT_EQ(timer.waits, std::vector<int64_t>{250}) << failure.describe();
  }
}

TEST(RetryTest, InterruptedCallIsNotRetried) {
  FakeHttpClient inner(std::deque<HttpResponse>{
      FakeHttpClient::fail(TransportError::kInterrupted, "stopped by SIGTERM"), with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.error, TransportError::kInterrupted);
  EXPECT_FALSE(r.transient());
  EXPECT_EQ(r.describe(), "interrupted: stopped by SIGTERM");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(inner.requests().size(), 1u);
  EXPECT_TRUE(timer.waits.empty());
}

TEST(RetryTest, PermanentFailuresAreNotRetried) {
  std::vector<HttpResponse> permanent = {
      with_status(400), with_status(401),
      with_status(403), with_status(404),
      with_status(409), with_status(422),
      with_status(301), FakeHttpClient::fail(TransportError::kLocal, "cannot open body file")};
  for (const auto& failure : permanent) {
    FakeHttpClient inner(std::deque<HttpResponse>{failure, with_status(200)});
    RecordingTimer timer;
    RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
    auto r = client.send(get());
    EXPECT_EQ(r.status, failure.status) << failure.describe();
    EXPECT_EQ(r.error, failure.error) << failure.describe();
    EXPECT_EQ(r.attempts, 1) << failure.describe();
    EXPECT_EQ(inner.requests().size(), 1u) << failure.describe();
    EXPECT_EQ(timer.total_slept(), milliseconds(0)) << failure.describe();
  }
}

TEST(RetryTest, RetryAfterSecondsIsHonouredInsteadOfBackoff) {
  FakeHttpClient inner(std::deque<HttpResponse>{with_status(429, {{"retry-after", "7"}}),
                                                with_status(503, {{"retry-after", "0"}}),
                                                with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(timer.waits, (std::vector<int64_t>{7000, 0}));
}

TEST(RetryTest, RetryAfterHttpDateIsHonoured) {
  FakeHttpClient inner(std::deque<HttpResponse>{
      with_status(503, {{"retry-after", "Mon, 11 Jan 2016 00:05:42 GMT"}}), with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(timer.waits, std::vector<int64_t>{42000});
}

TEST(RetryTest, RetryAfterIsCapped) {
  RetryPolicy p;
  p.retry_after_cap = milliseconds(60'000);
  FakeHttpClient inner(std::deque<HttpResponse>{
      with_status(429, {{"retry-after", "3600"}}),
      with_status(503, {{"retry-after", "Tue, 12 Jan 2016 00:05:00 GMT"}}), with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, p, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(timer.waits, (std::vector<int64_t>{60000, 60000}));
  EXPECT_EQ(timer.total_slept(), milliseconds(120000));
}

TEST(RetryTest, UnreadableRetryAfterFallsBackToBackoff) {
  FakeHttpClient inner(
      std::deque<HttpResponse>{with_status(503, {{"retry-after", "later"}}), with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  EXPECT_EQ(client.send(get()).status, 200);
  EXPECT_EQ(timer.waits, std::vector<int64_t>{250});
}

TEST(RetryTest, RetryAfterOnPermanentStatusDoesNotCauseRetry) {
  FakeHttpClient inner(
      std::deque<HttpResponse>{with_status(403, {{"retry-after", "5"}}), with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(timer.waits.empty());
}

TEST(RetryTest, RequestMaxAttemptsOverridesPolicy) {
  for (int n : {1, 2, 7}) {
    FakeHttpClient inner([](const HttpRequest&) { return with_status(502); });
    RecordingTimer timer;
    RetryPolicy p;
    p.max_attempts = 5;
    RetryingHttpClient client(inner, p, timer, constant(0.5), kWall);
    HttpRequest req = get();
    req.max_attempts = n;
    auto r = client.send(req);
    EXPECT_EQ(r.attempts, n);
    EXPECT_EQ(inner.requests().size(), static_cast<size_t>(n));
    EXPECT_EQ(timer.waits.size(), static_cast<size_t>(n - 1));
  }
}

TEST(RetryTest, SameRequestIsResentEachTime) {
  FakeHttpClient inner(std::deque<HttpResponse>{with_status(503), with_status(201)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  HttpRequest req = get("https://api.example.org/v1/rows?page=3");
  req.method = "POST";
  req.body.data = "{\"a\":1}";
  req.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(client.send(req).status, 201);
  ASSERT_EQ(inner.requests().size(), 2u);
  for (const auto& sent : inner.requests()) {
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.url, "https://api.example.org/v1/rows?page=3");
    EXPECT_EQ(sent.body.data, "{\"a\":1}");
    EXPECT_EQ(sent.headers, req.headers);
  }
}

TEST(RetryTest, FakeAnswersScriptThen404) {
  FakeHttpClient inner(std::deque<HttpResponse>{with_status(200)});
  EXPECT_EQ(inner.send(get()).status, 200);
  EXPECT_EQ(inner.send(get()).status, 404);
  EXPECT_EQ(inner.requests().size(), 2u);
}

TEST(RetryTest, FaultInjectorFailsTheNthCallOnly) {
  FakeHttpClient inner([](const HttpRequest&) { return with_status(200); });
  FaultInjectingHttpClient faulty(inner);
  faulty.fail_call(2, with_status(503));
  faulty.fail_call(4, FakeHttpClient::fail(TransportError::kTimeout, "injected timeout"));
  std::vector<int> statuses;
  std::vector<TransportError> errors;
  for (int i = 0; i < 5; ++i) {
    auto r = faulty.send(get());
    statuses.push_back(r.status);
    errors.push_back(r.error);
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 503, 200, 0, 200}));
  EXPECT_EQ(errors[3], TransportError::kTimeout);
  EXPECT_EQ(faulty.calls(), 5);
  EXPECT_EQ(inner.requests().size(), 3u);
}

TEST(RetryTest, FaultInjectorFailsMatchingUrls) {
  FakeHttpClient inner([](const HttpRequest&) { return with_status(200); });
  FaultInjectingHttpClient faulty(inner);
  faulty.fail_matching("down.example.org",
                       FakeHttpClient::fail(TransportError::kConnect, "Connection refused"));
  EXPECT_EQ(faulty.send(get("https://down.example.org/a")).error, TransportError::kConnect);
  EXPECT_EQ(faulty.send(get("https://up.example.org/a")).status, 200);
  EXPECT_EQ(faulty.send(get("https://down.example.org/b")).error, TransportError::kConnect);
  EXPECT_EQ(faulty.calls(), 3);
  ASSERT_EQ(inner.requests().size(), 1u);
  EXPECT_EQ(inner.requests()[0].url, "https://up.example.org/a");
}

TEST(RetryTest, RetryingOverFaultInjectorRecovers) {
  FakeHttpClient inner([](const HttpRequest&) { return with_status(200); });
  FaultInjectingHttpClient faulty(inner);
  faulty.fail_call(1, FakeHttpClient::fail(TransportError::kTimeout, "timed out"));
  faulty.fail_call(2, with_status(502));
  RecordingTimer timer;
  RetryingHttpClient client(faulty, RetryPolicy{}, timer, constant(0.5), kWall);
  auto r = client.send(get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(faulty.calls(), 3);
  EXPECT_EQ(inner.requests().size(), 1u);
  EXPECT_EQ(timer.waits, (std::vector<int64_t>{250, 500}));
}

TEST(RetryTest, ResponseTransientAndDescribe) {
  EXPECT_TRUE(with_status(429).transient());
  EXPECT_TRUE(with_status(500).transient());
  EXPECT_FALSE(with_status(404).transient());
  EXPECT_FALSE(with_status(200).transient());
  EXPECT_TRUE(with_status(204).ok());
  EXPECT_FALSE(with_status(302).ok());
  EXPECT_EQ(with_status(502).describe(), "HTTP 502");
  EXPECT_EQ(FakeHttpClient::fail(TransportError::kTimeout, "Operation timed out").describe(),
            "timeout: Operation timed out");
  EXPECT_FALSE(FakeHttpClient::fail(TransportError::kTimeout).ok());
}

}  // namespace
}  // namespace ferry::net

namespace ferry::net {
namespace {

TEST(RetryTest, TimeoutsComeBackAtOnceWhenTheCallerSplitsInstead) {
  FakeHttpClient inner(std::deque<HttpResponse>{FakeHttpClient::fail(TransportError::kTimeout),
                                                with_status(503), with_status(200)});
  RecordingTimer timer;
  RetryingHttpClient client(inner, RetryPolicy{}, timer, constant(0.5), kWall);
  HttpRequest request = get();
  request.retry_timeouts = false;
  auto r = client.send(request);
  EXPECT_EQ(r.error, TransportError::kTimeout);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(timer.total_slept(), milliseconds(0));
  // Other transient failures are still retried.
  auto again = client.send(request);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.attempts, 2);
}

}  // namespace
}  // namespace ferry::net
