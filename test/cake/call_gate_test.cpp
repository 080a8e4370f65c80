// cake.max_concurrent_calls on a shared state: SharedCallGate holds a counted slot around each
// call, so hosts (here: threads, each with its own connection and run) never exceed the limit.
#include "ferry/cake/call_gate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "ferry/base/interrupt.h"
#include "ferry/net/fake_http.h"
#include "ferry/state/leases.h"
#include "ferry/state/runs.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::cake::testing {
namespace {

using namespace std::chrono_literals;

CakeSettings settings() {
  CakeSettings s;
  s.admin_url = "https://cake.example.com";
  s.api_key = "k";
  return s;
}

class RefusingGate : public CallGate {
 public:
  Status enter() override { return Failure::transient("no slot"); }
  void leave() override { ++left; }
  int left = 0;
};

TEST(CakeCallGate, ACallTheGateRefusesIsNeverSent) {
  net::FakeHttpClient http(
      [](const net::HttpRequest&) { return net::FakeHttpClient::respond(200); });
  FakeTimer timer;
  RefusingGate gate;
  CakeClient client(http, settings(), timer, &gate);
  CakeReply r = client.currencies();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->message, "no slot");
  EXPECT_TRUE(http.requests().empty());
  EXPECT_EQ(gate.left, 0);
}

TEST(CakeCallGate, WaitsForASlotThenGivesUpNamingTheLimit) {
  ferry::testing::TempDir dir;
  ferry::testing::TestStore store(dir.path());
  SystemClock wall;
  state::RunStore runs(store);
  int64_t other = runs.begin(wall.now(), 1, "beta", wall.now() + 60s);
  int64_t mine = runs.begin(wall.now(), 2, "alpha", wall.now() + 60s);
  ASSERT_EQ(state::SlotStore(store).take("cake:x", 1, other, wall.now()), 0);
  std::vector<std::chrono::milliseconds> pauses;
  SharedCallGate gate(store, mine, "cake:x", 1, wall, 3000ms,
                      [&](std::chrono::milliseconds d) { pauses.push_back(d); });
  Status st = gate.enter();
  ASSERT_FALSE(st);
  EXPECT_TRUE(st.failure().is_transient());
  EXPECT_EQ(st.failure().message,
            "cake: every one of the 1 call slot(s) of cake:x (cake.max_concurrent_calls) stayed "
            "held by other hosts for 3 s");
  EXPECT_EQ(pauses, (std::vector<std::chrono::milliseconds>{50ms, 100ms, 200ms, 400ms, 800ms,
                                                            1000ms, 450ms}));
  // Once the other call ends the slot is this run's, and given back after the call.
  state::SlotStore(store).give("cake:x", 0, other);
  ASSERT_TRUE(gate.enter());
  EXPECT_EQ(state::SlotStore(store).in_use("cake:x"), 1);
  gate.leave();
  EXPECT_EQ(state::SlotStore(store).in_use("cake:x"), 0);
  // A stop request ends the wait at once, as interrupted.
  ASSERT_EQ(state::SlotStore(store).take("cake:x", 1, other, wall.now()), 0);
  request_stop(0);
  Status stopped = gate.enter();
  reset_stop();
  ASSERT_FALSE(stopped);
  EXPECT_TRUE(stopped.failure().is_interrupted());
}

// Four "hosts" (threads, each its own store connection and run) making calls that take 20 ms:
// with a limit of 2 never more than two are in flight, and two are at times.
TEST(CakeCallGate, HostsTogetherStayWithinTheLimit) {
  ferry::testing::TempDir dir;
  ferry::testing::TestStore first(dir.path());
  SystemClock wall;
  std::atomic<int> in_flight{0}, most{0}, calls{0};
  auto host = [&](int n) {
    ferry::testing::TestStore store(dir.path());
    int64_t run = state::RunStore(store).begin(wall.now(), 100 + n, "host" + std::to_string(n),
                                               wall.now() + 60s);
    SharedCallGate gate(store, run, "cake:x", 2, wall, 30s);
    net::FakeHttpClient http([&](const net::HttpRequest&) {
      int now = ++in_flight;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(20ms);
      --in_flight;
      ++calls;
      return net::FakeHttpClient::respond(200, R"({"d":{"currencies":[]}})");
    });
    RealTimer timer;
    CakeClient client(http, settings(), timer, &gate);
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(client.currencies().ok());
  };
  std::vector<std::thread> hosts;
  for (int n = 0; n < 4; ++n) hosts.emplace_back(host, n);
  for (auto& t : hosts) t.join();
  EXPECT_EQ(calls.load(), 20);
  EXPECT_EQ(most.load(), 2);
  EXPECT_EQ(state::SlotStore(first).in_use("cake:x"), 0);
}

}  // namespace
}  // namespace ferry::cake::testing
