// The run's time budget caps every HTTP timeout and every back-off (fake timer, fake HTTP).
#include "ferry/net/deadline.h"

#include <gtest/gtest.h>

#include "ferry/base/clock.h"
#include "ferry/base/error.h"
#include "ferry/net/fake_http.h"
#include "ferry/net/retry.h"

namespace ferry::net {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const FixedClock kWall(TimePoint(std::chrono::seconds(1452470700)));

HttpRequest request() {
  HttpRequest r;
  r.method = "POST";
  r.url = "https://api.example.org/v1/rows?token=s3cret";
  r.connect_timeout = 10s;
  r.timeout = 120s;
  r.stall_timeout = 60s;
  return r;
}

// The time left in `budget`, as AppContext gives it to the HTTP stack.
TimeLeft left_in(const Budget& budget) {
  return [&budget] { return std::optional<milliseconds>(budget.remaining()); };
}

FailureKind kind_thrown(HttpClient& http, const HttpRequest& r, std::string* what = nullptr) {
  try {
    http.send(r);
  } catch (const OperationError& e) {
    if (what) *what = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "no OperationError";
  return FailureKind::kPermanent;
}

TEST(DeadlineTest, TimeoutsAreCutToTheTimeLeft) {
  bool cut = false;
  HttpRequest r = cap_timeouts(request(), 7s, &cut);
  EXPECT_TRUE(cut);
  EXPECT_EQ(r.connect_timeout, 7s);
  EXPECT_EQ(r.timeout, 7s);
  EXPECT_EQ(r.stall_timeout, 7s);
  r = cap_timeouts(request(), 300s, &cut);
  EXPECT_FALSE(cut);
  EXPECT_EQ(r.timeout, 120s);
  r = cap_timeouts(request(), 30s, &cut);  // the exchange timeout binds
  EXPECT_TRUE(cut);
  EXPECT_EQ(r.timeout, 30s);
  EXPECT_EQ(r.stall_timeout, 30s);
  HttpRequest short_call = request();
  short_call.timeout = 5s;
  r = cap_timeouts(short_call, 8s, &cut);  // the call ends before the budget anyway
  EXPECT_FALSE(cut);
  EXPECT_EQ(r.connect_timeout, 8s);
  EXPECT_EQ(r.stall_timeout, 8s);
  r = cap_timeouts(request(), 300s, &cut);
  EXPECT_EQ(r.connect_timeout, 10s);
  EXPECT_EQ(r.timeout, 120s);
  EXPECT_EQ(r.stall_timeout, 60s);
  HttpRequest unbounded = request();
  unbounded.timeout = 0ms;        // curl: no limit
  unbounded.stall_timeout = 0ms;  // off
  r = cap_timeouts(unbounded, 300s, &cut);
  EXPECT_TRUE(cut);
  EXPECT_EQ(r.timeout, 300s);
  EXPECT_EQ(r.stall_timeout, 0ms);
}

TEST(DeadlineTest, EachCallGetsAtMostTheTimeLeft) {
  FakeTimer timer;
  Budget budget(timer, 30s);
  FakeHttpClient fake([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  DeadlineHttpClient http(fake, left_in(budget));
  EXPECT_TRUE(http.send(request()).ok());
  timer.advance(25s);
  EXPECT_TRUE(http.send(request()).ok());
  ASSERT_EQ(fake.requests().size(), 2u);
  EXPECT_EQ(fake.requests()[0].timeout, 30s);
  EXPECT_EQ(fake.requests()[0].connect_timeout, 10s);
  EXPECT_EQ(fake.requests()[1].timeout, 5s);
  EXPECT_EQ(fake.requests()[1].connect_timeout, 5s);
  EXPECT_EQ(fake.requests()[1].stall_timeout, 5s);
}

TEST(DeadlineTest, NoTimeLeftIsInterruptedWithoutSending) {
  FakeTimer timer;
  Budget budget(timer, 10s);
  FakeHttpClient fake([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  DeadlineHttpClient http(fake, left_in(budget));
  timer.advance(10s);
  std::string what;
  EXPECT_EQ(kind_thrown(http, request(), &what), FailureKind::kInterrupted);
  EXPECT_TRUE(fake.requests().empty());
  EXPECT_NE(what.find("time budget is spent"), std::string::npos) << what;
  EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
}

TEST(DeadlineTest, ACleanUpCallGoesOutWithNoTimeLeft) {
  FakeHttpClient inner([](const HttpRequest&) { return FakeHttpClient::respond(204); });
  DeadlineHttpClient http(inner, [] { return std::optional<milliseconds>(0ms); });
  HttpRequest abort = request();
  abort.method = "DELETE";
  abort.interruptible = false;
  EXPECT_EQ(http.send(abort).status, 204);
  ASSERT_EQ(inner.requests().size(), 1u);
  EXPECT_EQ(inner.requests()[0].timeout, 120s);  // its own timeouts, not the spent budget
}

TEST(DeadlineTest, ACallCutShortByTheBudgetIsInterrupted) {
  FakeTimer timer;
  Budget budget(timer, 10s);
  FakeHttpClient fake([&timer](const HttpRequest& r) {
    timer.advance(r.timeout);  // the server never answers
    return FakeHttpClient::fail(TransportError::kTimeout, "Operation timed out");
  });
  DeadlineHttpClient http(fake, left_in(budget));
  EXPECT_EQ(kind_thrown(http, request()), FailureKind::kInterrupted);
  EXPECT_EQ(fake.requests().at(0).timeout, 10s);
}

TEST(DeadlineTest, AStallBeforeTheBudgetEndsStaysATimeout) {
  FakeTimer timer;
  Budget budget(timer, 200s);
  FakeHttpClient fake([&timer](const HttpRequest& r) {
    timer.advance(r.stall_timeout);  // no data for the stall timeout, long before the budget
    return FakeHttpClient::fail(TransportError::kTimeout, "Operation too slow");
  });
  DeadlineHttpClient http(fake, left_in(budget));
  HttpRequest transfer = request();
  transfer.timeout = 6h;  // cut to 200 s
  EXPECT_EQ(http.send(transfer).error, TransportError::kTimeout);
}

TEST(DeadlineTest, ATimeoutWithinTheBudgetStaysATimeout) {
  FakeTimer timer;
  Budget budget(timer, 1h);
  FakeHttpClient fake(
      [](const HttpRequest&) { return FakeHttpClient::fail(TransportError::kTimeout, "slow"); });
  DeadlineHttpClient http(fake, left_in(budget));
  EXPECT_EQ(http.send(request()).error, TransportError::kTimeout);
}

TEST(DeadlineTest, NoLimitLeavesRequestsAlone) {
  FakeHttpClient fake([](const HttpRequest&) { return FakeHttpClient::respond(200); });
  DeadlineHttpClient unset(fake, {});
  DeadlineHttpClient none(fake, [] { return std::optional<milliseconds>(); });
  EXPECT_TRUE(unset.send(request()).ok());
  EXPECT_TRUE(none.send(request()).ok());
  for (const auto& r : fake.requests()) {
    EXPECT_EQ(r.timeout, 120s);
    EXPECT_EQ(r.connect_timeout, 10s);
  }
}

TEST(DeadlineTest, BackoffLongerThanTheTimeLeftIsInterruptedWithoutWaiting) {
  FakeTimer timer;
  Budget budget(timer, 20s);
  FakeHttpClient fake([&timer](const HttpRequest&) {
    timer.advance(1s);
    return FakeHttpClient::respond(503);
  });
  RetryPolicy policy;
  policy.max_attempts = 10;
  policy.base_delay = 4s;
  policy.max_delay = 60s;
  // unit 0.999: waits of ~4, 8, 16 s; the third would end after the budget.
  RetryingHttpClient http(fake, policy, timer, [] { return 0.999; }, kWall, left_in(budget));
  std::string what;
  EXPECT_EQ(kind_thrown(http, request(), &what), FailureKind::kInterrupted);
  EXPECT_EQ(fake.requests().size(), 3u);
  EXPECT_EQ(timer.total_slept(), 3996ms + 7992ms);
  EXPECT_LE(timer.elapsed_now() - std::chrono::steady_clock::time_point{}, 20s);
  EXPECT_NE(what.find("HTTP 503 (try 3/10)"), std::string::npos) << what;
}

TEST(DeadlineTest, RetryAfterLongerThanTheTimeLeftIsInterrupted) {
  FakeTimer timer;
  Budget budget(timer, 60s);
  FakeHttpClient fake(
      [](const HttpRequest&) { return FakeHttpClient::respond(429, "", {{"retry-after", "90"}}); });
  RetryingHttpClient http(fake, RetryPolicy{}, timer, [] { return 0.5; }, kWall,
                          left_in(budget));
  EXPECT_EQ(kind_thrown(http, request()), FailureKind::kInterrupted);
  EXPECT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(timer.total_slept(), 0ms);
}

TEST(DeadlineTest, RetriesThroughTheDeadlineClientStopAtTheBudget) {
  // As AppContext wires them: retries over the deadline client over the transport.
  FakeTimer timer;
  Budget budget(timer, 10s);
  FakeHttpClient hanging([&timer](const HttpRequest& r) {
    timer.advance(r.timeout);
    return FakeHttpClient::fail(TransportError::kTimeout, "Operation timed out");
  });
  DeadlineHttpClient capped(hanging, left_in(budget));
  RetryingHttpClient http(capped, RetryPolicy{}, timer, [] { return 0.5; }, kWall,
                          left_in(budget));
  HttpRequest r = request();
  r.timeout = 4s;  // two tries fit, the third is cut short
  EXPECT_EQ(kind_thrown(http, r), FailureKind::kInterrupted);
  EXPECT_EQ(hanging.requests().size(), 3u);
  EXPECT_EQ(budget.remaining(), 0ms);
}

TEST(DeadlineTest, WithoutALimitRetriesWaitAsBefore) {
  FakeTimer timer;
  FakeHttpClient fake([](const HttpRequest&) { return FakeHttpClient::respond(503); });
  RetryingHttpClient http(fake, RetryPolicy{}, timer, [] { return 0.5; }, kWall,
                          [] { return std::optional<milliseconds>(); });
  EXPECT_EQ(http.send(request()).status, 503);
  EXPECT_EQ(fake.requests().size(), 5u);
  EXPECT_EQ(timer.total_slept(), 250ms + 500ms + 1000ms + 2000ms);
}

}  // namespace
}  // namespace ferry::net
