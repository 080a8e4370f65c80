#include "ferry/wenet/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "wenet/fake_wenet.h"

namespace ferry::wenet {
namespace {

using nlohmann::json;
using testing::FakeWenet;
using namespace std::chrono_literals;

TimePoint at(const char* iso) {
  return *parse_logger_time(iso);
}

struct WenetClientTest : ::testing::Test {
  FakeWenet wenet;
  net::FakeHttpClient http{[this](const net::HttpRequest& r) { return wenet.answer(r); }};
  FakeTimer timer;
  ClientOptions options() {
    ClientOptions o;
    o.instance = "http://wenet.test/prod/";
    o.apikey = wenet.key;
    o.zone = TimeZone::load("Europe/Rome");
    o.analytic_timeout = 30s;
    return o;
  }
  Window week() {
    return window_from_bounds("2021-07-24", "2021-07-31", TimeZone::load("Europe/Rome"));
  }
};

TEST_F(WenetClientTest, KeyOnlyInTheHeaderAndScrubbedFromFailures) {
  ClientOptions o = options();
  o.apikey = "wrong-key-98765";
  Client c(http, o, timer);
  auto r = c.app_details("app1");
  ASSERT_FALSE(r);
  const std::string& m = r.failure().message;
  EXPECT_FALSE(r.failure().is_transient());
  EXPECT_EQ(m.find("wrong-key-98765"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key ********"), std::string::npos) << m;
  EXPECT_NE(m.find("HTTP 401"), std::string::npos) << m;
  EXPECT_NE(m.find("wenet.apikey"), std::string::npos) << m;
  ASSERT_EQ(http.requests().size(), 1u);
  const auto& req = http.requests()[0];
  EXPECT_EQ(req.url, "http://wenet.test/prod/hub/frontend/data/app/app1");
  EXPECT_EQ(req.url.find("98765"), std::string::npos);
  EXPECT_NE(std::find(req.headers.begin(), req.headers.end(),
                      std::make_pair(std::string("x-wenet-component-apikey"),
                                     std::string("wrong-key-98765"))),
            req.headers.end());
  EXPECT_EQ(req.timeout, o.timeout);
}

TEST_F(WenetClientTest, NotFoundNamesTheUnknownThing) {
  Client c(http, options(), timer);
  auto r = c.app_details("nope");
  ASSERT_FALSE(r);
  EXPECT_NE(r.failure().message.find("unknown app nope"), std::string::npos) << r.failure().message;
}

TEST_F(WenetClientTest, HubUsersBothBoundsOrNoneAndFetchedOnce) {
  wenet.hub_users = {"u1", "u2"};
  Client c(http, options(), timer);
  Window w = week();
  ASSERT_TRUE(c.app_users("app1", &w));
  Window all = window_from_range("ALL", at("2021-07-31T08:00:00Z"), TimeZone::utc());
  auto users = c.app_users("app1", &all);
  ASSERT_TRUE(users);
  EXPECT_EQ(*users, (std::vector<std::string>{"u1", "u2"}));
  ASSERT_TRUE(c.app_users("app1", nullptr));  // cached: same as ALL
  ASSERT_TRUE(c.app_users("app1", &w));       // cached
  ASSERT_EQ(http.requests().size(), 2u);
  EXPECT_EQ(
      http.requests()[0].url,
      "http://wenet.test/prod/hub/frontend/data/app/app1/user?fromTs=1627077600&toTs=1627682400");
  EXPECT_EQ(http.requests()[1].url, "http://wenet.test/prod/hub/frontend/data/app/app1/user");
}

TEST_F(WenetClientTest, ProfilesInParallelOnePerUser202Is200) {
  for (int i = 0; i < 40; ++i) {
    std::string id = (i % 2 ? "a" : "b") + std::to_string(i);
    if (i != 7) wenet.profiles[id] = {{"id", id}};
  }
  std::atomic<int> made{0};
  std::mutex mu;
  std::vector<std::unique_ptr<net::FakeHttpClient>> owned;
  HttpFactory factory = [&] {
    ++made;
    return std::make_unique<net::FakeHttpClient>(
        [this](const net::HttpRequest& r) { return wenet.answer(r); });
  };
  ClientOptions o = options();
  o.parallel = 3;
  Client c(http, o, timer, factory);
  std::vector<std::string> users;
  for (int i = 0; i < 40; ++i) users.push_back((i % 2 ? "a" : "b") + std::to_string(i));
  users.push_back("b0");  // duplicate: fetched once
  auto p = c.profiles(users);
  ASSERT_TRUE(p) << p.failure().message;
  EXPECT_EQ(made.load(), 3);
  EXPECT_EQ(p->size(), 40u);
  EXPECT_EQ((*p)["a1"]["id"], "a1");  // a 202
  EXPECT_EQ((*p)["b0"]["id"], "b0");
  EXPECT_TRUE((*p)["a7"].is_null());  // 404: missing profile
  EXPECT_EQ(wenet.log.size(), 40u);
  EXPECT_TRUE(http.requests().empty());
}

TEST_F(WenetClientTest, ProfilesFailOnAnyOtherError) {
  wenet.profiles["u1"] = {{"id", "u1"}};
  ClientOptions o = options();
  o.apikey = "bad-key-000";
  Client c(http, o, timer);
  auto p = c.profiles({"u1"});
  ASSERT_FALSE(p);
  EXPECT_NE(p.failure().message.find("HTTP 401"), std::string::npos);
}

TEST_F(WenetClientTest, TasksPagedAndCheckedAgainstTotal) {
  Window w = week();
  for (int i = 0; i < 250; ++i) wenet.tasks.push_back({{"id", i}, {"_creationTs", 1627100000 + i}});
  wenet.tasks.push_back({{"id", "at-to"}, {"_creationTs", epoch_seconds(w.to)}});
  Client c(http, options(), timer);
  auto t = c.tasks("app1", w);
  ASSERT_TRUE(t) << t.failure().message;
  EXPECT_EQ(t->size(), 250u);  // the one created at `to` is dropped
  ASSERT_EQ(http.requests().size(), 3u);
  EXPECT_EQ(http.requests()[0].url,
            "http://wenet.test/prod/task_manager/tasks?appId=app1&creationFrom=1627077600"
            "&creationTo=1627682400&offset=0&limit=100");
  EXPECT_NE(http.requests()[2].url.find("&offset=200&limit=100"), std::string::npos);
}

TEST_F(WenetClientTest, TasksTotalChangingIsReadAgainOnceThenFails) {
  for (int i = 0; i < 150; ++i) wenet.tasks.push_back({{"id", i}});
  wenet.total_shift_calls = 1;  // the first page reports another total
  Client c(http, options(), timer);
  auto t = c.tasks("app1", week());
  ASSERT_TRUE(t) << t.failure().message;
  EXPECT_EQ(t->size(), 150u);
  EXPECT_EQ(http.requests().size(), 4u);  // two pages, twice
  wenet.total_shift_calls = 10;
  auto again = c.tasks("app1", week());
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.failure().is_transient());
  EXPECT_NE(again.failure().message.find("total changed"), std::string::npos);
}

TEST_F(WenetClientTest, AnalyticPolledWithBackoffThenDeleted) {
  Client c(http, options(), timer);
  std::vector<std::string> events;
  auto d = analytic_descriptor("app1", "count", "user", "total", week(), options().zone);
  EXPECT_EQ(d["timespan"]["start"], "2021-07-24T00:00:00+02:00");
  EXPECT_EQ(d["timespan"]["type"], "fixed");
  auto r = c.analytic(
      d, [&](const std::string& id) { events.push_back("created " + id); },
      [&](const std::string& id) { events.push_back("deleted " + id); });
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ((*r)["count"], 7);
  EXPECT_EQ(events, (std::vector<std::string>{"created an-1", "deleted an-1"}));
  EXPECT_EQ(timer.total_slept(), 500ms + 1000ms + 2000ms);
  int computes = 0;
  for (const auto& l : wenet.log) computes += l.find("/compute?id=an-1") != std::string::npos;
  EXPECT_EQ(computes, 1);
  EXPECT_EQ(wenet.log.back(), "DELETE http://wenet.test/prod/logger/analytic?id=an-1");
}

TEST_F(WenetClientTest, AnalyticNeverComputedFailsAtTheDeadlineAndIsDeleted) {
  wenet.null_polls = -1;
  Client c(http, options(), timer);
  int deleted = 0;
  auto r =
      c.analytic(analytic_descriptor("app1", "count", "user", "active", week(), options().zone),
                 nullptr, [&](const std::string&) { ++deleted; });
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find("count user/active"), std::string::npos)
      << r.failure().message;
  EXPECT_EQ(timer.total_slept(), 30s);
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(wenet.log.back().rfind("DELETE", 0), 0u);
}

}  // namespace
}  // namespace ferry::wenet

namespace ferry::wenet {
namespace {

TEST(WenetClientSeam, ThrownInterruptionBecomesAFailureAndTheAnalyticIsStillDeleted) {
  FakeWenet wenet;
  net::FakeHttpClient http([&](const net::HttpRequest& r) {
    if (r.method == "GET") throw OperationError(FailureKind::kInterrupted, "GET x: budget spent");
    return wenet.answer(r);
  });
  FakeTimer timer;
  ClientOptions o;
  o.instance = "http://wenet.test/prod";
  o.apikey = wenet.key;
  Client c(http, o, timer);
  Window w = window_from_range("1D", TimePoint(std::chrono::hours(24 * 19000)), TimeZone::utc());
  int deleted = 0;
  auto r = c.analytic(analytic_descriptor("app1", "count", "user", "new", w, TimeZone::utc()),
                      nullptr, [&](const std::string&) { ++deleted; });
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.failure().is_interrupted()) << r.failure().message;
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(http.requests().back().method, "DELETE");
  EXPECT_FALSE(http.requests().back().interruptible);
}

}  // namespace
}  // namespace ferry::wenet
