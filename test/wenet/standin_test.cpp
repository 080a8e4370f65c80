// wenet::Client over libcurl against the WeNet stand-in (test/standins/wenet_server.py) on
// loopback: one stand-in for the suite, its data set written here.
#include <gtest/gtest.h>

#include <set>

#include "ferry/net/curl_http.h"
#include "ferry/wenet/client.h"
#include "support/process.h"

namespace ferry::wenet {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using ferry::testing::Child;
using ferry::testing::TempDir;

constexpr const char* kKey = "standin-key-4242";

json data_set() {
  json users = json::array();
  json profiles = json::object();
  for (int i = 0; i < 12; ++i) {
    std::string id = "u" + std::to_string(i);
    users.push_back({{"id", id}, {"enabled", 1627100000 + i * 10000}});  // from 2021-07-24 04:13Z
    profiles[id] = {{"id", id}, {"email", id + "@example.org"}};
  }
  json tasks = json::array();
  for (int i = 0; i < 230; ++i)
    tasks.push_back(
        {{"id", "t" + std::to_string(i)}, {"appId", "app1"}, {"_creationTs", 1627100000 + i}});
  tasks.push_back({{"id", "other"}, {"appId", "app2"}, {"_creationTs", 1627100000}});
  json messages = json::array();
  messages.push_back({{"messageId", "late"},
                      {"userId", "u1"},
                      {"type", "request"},
                      {"project", "app1"},
                      {"timestamp", "2021-07-25T00:00:00"},
                      {"content", {{"type", "text"}}}});
  return {
      {"apps", {{"app1", {{"details", {{"id", "app1"}, {"name", "Bot one"}}}, {"users", users}}}}},
      {"profiles", profiles},
      {"profiles_202", {"u1", "u3"}},
      {"tasks", tasks},
      {"message_bursts",
       {{{"project", "app1"},
         {"count", 1300},
         {"start", "2021-07-24T01:00:00"},
         {"step_ms", 1500},
         {"users", 7},
         {"id_prefix", "s-"}},
        {{"project", "app1"},
         {"count", 1200},
         {"start", "2021-07-24T12:00:00.250000"},
         {"step_ms", 0},
         {"users", 12},
         {"id_prefix", "d-"}}}}};
}

class WenetStandinIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    ferry::testing::write_file(*dir_ / "data.json", data_set().dump());
    port_ = ferry::testing::free_port();
    server_ = std::make_unique<Child>(
        std::vector<std::string>{ferry::testing::system_python(),
                                 ferry::testing::repo_root() + "/test/standins/wenet_server.py",
                                 "--data", *dir_ / "data.json", "--port", std::to_string(port_),
                                 "--api-key", kKey, "--prefix", "/prod", "--compute-delay", "0.2"},
        std::map<std::string, std::string>{}, "", *dir_ / "wenet.log");
    ready_ = ferry::testing::wait_for_port(port_, 10s);
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  void SetUp() override {
    ASSERT_TRUE(ready_) << "the stand-in did not start; see " << (*dir_ / "wenet.log");
    control("DELETE", "/control/faults");
    control("DELETE", "/control/calls");
  }

  static std::string base() { return "http://127.0.0.1:" + std::to_string(port_); }
  json control(const std::string& method, const std::string& path, const json& body = nullptr) {
    net::HttpRequest r;
    r.method = method;
    r.url = base() + path;
    if (!body.is_null()) r.body.data = body.dump();
    auto reply = curl_->send(r);
    EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
    return json::parse(reply.body, nullptr, false);
  }
  ClientOptions options(const std::string& key = kKey) {
    ClientOptions o;
    o.instance = base() + "/prod";
    o.apikey = key;
    o.zone = TimeZone::load("Europe/Rome");
    o.timeout = 5s;
    o.analytic_timeout = 10s;
    o.poll_first = 50ms;
    o.poll_max = 200ms;
    return o;
  }
  Window day() {
    return window_from_bounds("2021-07-24T00:00:00Z", "2021-07-25T00:00:00Z", TimeZone::utc());
  }

  std::unique_ptr<net::HttpClient> curl_ = net::make_curl_http_client();
  RealTimer timer_;
  SystemClock clock_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<Child> server_;
  static inline int port_ = 0;
  static inline bool ready_ = false;
};

TEST_F(WenetStandinIntegration, WrongKeyIsPermanentAndScrubbed) {
  Client c(*curl_, options("not-the-key-777"), timer_);
  auto r = c.app_details("app1");
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.failure().is_transient());
  EXPECT_NE(r.failure().message.find("invalid key ********"), std::string::npos)
      << r.failure().message;
  EXPECT_EQ(r.failure().message.find("not-the-key-777"), std::string::npos);
  json calls = control("GET", "/control/calls");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["headers"]["x-wenet-component-apikey"], "not-the-key-777");
  EXPECT_EQ(calls[0]["headers"]["accept"], "application/json");
  EXPECT_TRUE(calls[0]["query"].empty());
}

TEST_F(WenetStandinIntegration, HubUsersDetailsAndParallelProfiles) {
  net::RetryPolicy retry;
  retry.max_attempts = 3;
  retry.base_delay = 10ms;
  Client c(*curl_, options(), timer_, [&] { return make_worker_http(retry, timer_, clock_); });
  Window w = window_from_bounds("2021-07-24T00:00:00Z", "2021-07-24T12:00:00Z", TimeZone::utc());
  auto some = c.app_users("app1", &w);  // enabled 04:13Z + i * 2h47m: u0..u2
  ASSERT_TRUE(some) << some.failure().message;
  EXPECT_EQ(*some, (std::vector<std::string>{"u0", "u1", "u2"}));
  auto all = c.app_users("app1", nullptr);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 12u);
  auto details = c.app_details("app1");
  ASSERT_TRUE(details);
  EXPECT_EQ((*details)["name"], "Bot one");
  EXPECT_FALSE(c.app_details("nope"));
  control("POST", "/control/slow", {{"path", "/profile_manager"}, {"ms", 150}, {"count", -1}});
  control("POST", "/control/fail",
          {{"path", "/profile_manager/profiles/u5"}, {"status", 503}});  // retried
  auto users = *all;
  users.push_back("ghost");
  auto p = c.profiles(users);
  ASSERT_TRUE(p) << p.failure().message;
  EXPECT_EQ((*p)["u1"]["email"], "u1@example.org");  // a 202
  EXPECT_TRUE((*p)["ghost"].is_null());
  EXPECT_EQ((*p)["u5"]["id"], "u5");
  EXPECT_GE(control("GET", "/control/stats")["max_in_flight"].get<int>(), 2);
}

TEST_F(WenetStandinIntegration, TasksPagedAgainstTotalAndReadAgainWhenItChanges) {
  Client c(*curl_, options(), timer_);
  control("POST", "/control/total_shift", {{"delta", 3}, {"count", 1}});
  auto t = c.tasks("app1", day());
  ASSERT_TRUE(t) << t.failure().message;
  EXPECT_EQ(t->size(), 230u);
  EXPECT_EQ(control("GET", "/control/calls").size(), 6u);  // 3 pages, twice
  auto none = c.transactions("app1", day());
  ASSERT_TRUE(none) << none.failure().message;
  EXPECT_TRUE(none->empty());
}

TEST_F(WenetStandinIntegration, AnalyticComputedPolledAndDeleted) {
  Client c(*curl_, options(), timer_);
  std::vector<std::string> created, deleted;
  auto r = c.analytic(
      analytic_descriptor("app1", "count", "user", "total", day(), TimeZone::load("Europe/Rome")),
      [&](const std::string& id) { created.push_back(id); },
      [&](const std::string& id) { deleted.push_back(id); });
  ASSERT_TRUE(r) << r.failure().message;
  EXPECT_EQ((*r)["count"], 12);
  EXPECT_EQ(created, deleted);
  EXPECT_TRUE(control("GET", "/control/analytics").empty());
  auto seg = c.analytic(
      analytic_descriptor("app1", "segmentation", "message", "all", day(), TimeZone::utc()),
      nullptr, nullptr);
  ASSERT_TRUE(seg) << seg.failure().message;
  EXPECT_EQ((*seg)["segments"], json::parse(R"([{"type":"request","count":2500}])"));
}

TEST_F(WenetStandinIntegration, AnalyticNeverComputedFailsNamingTheMetricAndIsDeleted) {
  ClientOptions o = options();
  o.analytic_timeout = 600ms;
  Client c(*curl_, o, timer_);
  control("POST", "/control/never_compute", {{"on", true}});
  auto r =
      c.analytic(analytic_descriptor("app1", "count", "user", "engaged", day(), TimeZone::utc()),
                 nullptr, nullptr);
  ASSERT_FALSE(r);
  EXPECT_NE(r.failure().message.find("count user/engaged"), std::string::npos)
      << r.failure().message;
  EXPECT_TRUE(control("GET", "/control/analytics").empty());
}

TEST_F(WenetStandinIntegration, MessagesEachOnceAcrossOneCrowdedInstant) {
  Client c(*curl_, options(), timer_);
  std::set<std::string> keys;
  auto n = c.messages("app1", day(), 100, [&](const json& m) {
    keys.insert(m["messageId"].get<std::string>() + "/" + m["userId"].get<std::string>());
    return Status::ok();
  });
  ASSERT_TRUE(n) << n.failure().message;
  EXPECT_EQ(*n, 2500);  // the message at exactly `to` is left out
  EXPECT_EQ(keys.size(), 2500u);
  EXPECT_EQ(keys.count("late/u1"), 0u);
}

TEST_F(WenetStandinIntegration, ServerErrorsAndTimeoutsAreTransient) {
  ClientOptions o = options();
  o.timeout = 300ms;
  Client c(*curl_, o, timer_);
  control("POST", "/control/fail", {{"path", "/logger/messages"}, {"status", 500}});
  auto n = c.messages("app1", day(), 100, [](const json&) { return Status::ok(); });
  ASSERT_FALSE(n);
  EXPECT_TRUE(n.failure().is_transient());
  EXPECT_NE(n.failure().message.find("HTTP 500"), std::string::npos) << n.failure().message;
  control("POST", "/control/slow", {{"path", "/incentive_server"}, {"ms", 1500}});
  auto cohorts = c.cohorts();
  ASSERT_FALSE(cohorts);
  EXPECT_TRUE(cohorts.failure().is_transient()) << cohorts.failure().message;
}

}  // namespace
}  // namespace ferry::wenet
