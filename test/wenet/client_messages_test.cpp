// wenet::Client::messages against the in-memory logger: paging by time, de-duplication, the
// split of a page that is all one timestamp, and the window's exclusive end.
#include <gtest/gtest.h>

#include <set>

#include "ferry/wenet/client.h"
#include "wenet/fake_wenet.h"

namespace ferry::wenet {
namespace {

using nlohmann::json;
using testing::FakeWenet;

std::string stamp(int64_t ms) {
  TimePoint t = TimePoint(std::chrono::milliseconds(1627084800000LL + ms));  // 2021-07-24T00:00Z
  std::string s = logger_time(t, TimeZone::utc());
  return s.substr(0, s.size() - 6);  // as the logger stores them: no offset
}

json message(int id, const std::string& user, const std::string& type, int64_t ms) {
  return {{"messageId", "m" + std::to_string(id)},
          {"userId", user},
          {"type", type},
          {"channel", "telegram"},
          {"timestamp", stamp(ms)},
          {"project", "app1"}};
}

struct WenetMessagesTest : ::testing::Test {
  FakeWenet wenet;
  net::FakeHttpClient http{[this](const net::HttpRequest& r) { return wenet.answer(r); }};
  FakeTimer timer;
  Client client() {
    ClientOptions o;
    o.instance = "http://wenet.test/prod";
    o.apikey = wenet.key;
    o.zone = TimeZone::load("Europe/Rome");
    return Client(http, o, timer);
  }
  Window window() {
    return window_from_bounds("2021-07-24T00:00:00Z", "2021-07-25T00:00:00Z", TimeZone::utc());
  }
};

TEST_F(WenetMessagesTest, ManyAtOneTimestampAreEachWrittenOnce) {
  // 13,000 messages two by two on a ms grid, 12,000 requests at one instant (40 users), and
  // the same messageId for two users (both kept). Plus one at exactly `to`: left out.
  int id = 0;
  for (int i = 0; i < 6500; ++i) {
    wenet.messages.push_back(message(id++, "u" + std::to_string(i % 7), "response", i * 10));
    wenet.messages.push_back(message(id - 1, "v" + std::to_string(i % 7), "request", i * 10));
  }
  for (int i = 0; i < 12000; ++i)
    wenet.messages.push_back(message(id++, "u" + std::to_string(i % 40), "request", 70000));
  std::stable_sort(wenet.messages.begin(), wenet.messages.end(), [](const json& a, const json& b) {
    return a["timestamp"].get<std::string>() < b["timestamp"].get<std::string>();
  });
  wenet.messages.push_back(message(id++, "u1", "request", 86400000));
  for (int i = 0; i < 40; ++i) wenet.hub_users.push_back("u" + std::to_string(i));
  Client c = client();
  std::set<std::string> seen;
  std::string last;
  auto n = c.messages("app1", window(), 1000, [&](const json& m) {
    EXPECT_TRUE(
        seen.insert(m["messageId"].get<std::string>() + "/" + m["userId"].get<std::string>())
            .second);
    EXPECT_LE(last, m["timestamp"].get<std::string>());
    last = m["timestamp"].get<std::string>();
    return Status::ok();
  });
  ASSERT_TRUE(n) << n.failure().message;
  EXPECT_EQ(*n, 25000);
  EXPECT_EQ(seen.size(), 25000u);
  EXPECT_LT(wenet.log.size(), 120u);
  EXPECT_NE(wenet.log[0].find("fromTime=2021-07-24T02%3A00%3A00%2B02%3A00"), std::string::npos)
      << wenet.log[0];
}

TEST_F(WenetMessagesTest, SplitByTypeWhenThatIsEnough) {
  for (int i = 0; i < 30; ++i)
    wenet.messages.push_back(message(i, "u1",
                                     i % 3 == 0   ? "request"
                                     : i % 3 == 1 ? "response"
                                                  : "notification",
                                     5));
  wenet.messages.push_back(message(99, "u1", "request", 6));
  Client c = client();
  int64_t got = 0;
  auto n = c.messages("app1", window(), 10, [&](const json&) {
    ++got;
    return Status::ok();
  });
  ASSERT_TRUE(n) << n.failure().message;
  EXPECT_EQ(*n, 31);
  EXPECT_EQ(got, 31);
  for (const auto& l : wenet.log) EXPECT_EQ(l.find("userId="), std::string::npos) << l;
}

TEST_F(WenetMessagesTest, TooManyAtOneInstantForOneUserFailsClearly) {
  for (int i = 0; i < 10000; ++i) wenet.messages.push_back(message(i, "u1", "request", 5));
  wenet.hub_users = {"u1"};
  Client c = client();
  auto n = c.messages("app1", window(), 1000, [](const json&) { return Status::ok(); });
  ASSERT_FALSE(n);
  EXPECT_NE(n.failure().message.find(
                "more than 9999 messages at 2021-07-24T02:00:00.005000+02:00 for user u1"),
            std::string::npos)
      << n.failure().message;
}

TEST_F(WenetMessagesTest, AllWindowStartsAt1970AndSinkFailureStops) {
  for (int i = 0; i < 5; ++i) wenet.messages.push_back(message(i, "u1", "request", i));
  Client c = client();
  Window all = window_from_range("ALL", TimePoint(std::chrono::hours(24 * 20000)), TimeZone::utc());
  int calls = 0;
  auto n = c.messages("app1", all, 2, [&](const json&) {
    return ++calls == 3 ? Status(Failure::permanent("disk full")) : Status::ok();
  });
  ASSERT_FALSE(n);
  EXPECT_EQ(n.failure().message, "disk full");
  EXPECT_NE(wenet.log[0].find("fromTime=1970-01-01T01%3A00%3A00%2B01%3A00"), std::string::npos);
  auto bad = c.messages("app1", all, 10001, [](const json&) { return Status::ok(); });
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace ferry::wenet
