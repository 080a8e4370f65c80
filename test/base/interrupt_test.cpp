// The process-wide stop request: the flag, the grace period, and what the budget and the real
// timer make of it.
#include "ferry/base/interrupt.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "ferry/base/clock.h"

namespace ferry {
namespace {

using namespace std::chrono_literals;

class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override { reset_stop(); }
  void TearDown() override { reset_stop(); }
};

TEST_F(InterruptTest, NothingIsRequestedAtFirst) {
  EXPECT_FALSE(stop_requested());
  EXPECT_FALSE(must_abandon());
  EXPECT_EQ(stop_signal(), 0);
  EXPECT_EQ(stop_requests(), 0);
  EXPECT_EQ(stop_reason(), "");
  EXPECT_EQ(stop_grace(), 5000ms);
}

TEST_F(InterruptTest, FirstRequestStopsAndLeavesTheGracePeriod) {
  set_stop_grace(1h);
  request_stop(SIGTERM);
  EXPECT_TRUE(stop_requested());
  EXPECT_FALSE(must_abandon());
  EXPECT_EQ(stop_signal(), SIGTERM);
  EXPECT_EQ(stop_reason(), "stopped by SIGTERM");
}

TEST_F(InterruptTest, SecondRequestAbandonsAtOnceAndKeepsTheFirstSignal) {
  set_stop_grace(1h);
  request_stop(SIGINT);
  request_stop(SIGTERM);
  EXPECT_TRUE(must_abandon());
  EXPECT_EQ(stop_requests(), 2);
  EXPECT_EQ(stop_signal(), SIGINT);
  EXPECT_EQ(stop_reason(), "stopped by SIGINT");
}

TEST_F(InterruptTest, ZeroGraceAbandonsAtTheFirstRequest) {
  set_stop_grace(0ms);
  request_stop(SIGINT);
  EXPECT_TRUE(must_abandon());
}

TEST_F(InterruptTest, GracePeriodRunsOut) {
  set_stop_grace(50ms);
  request_stop(SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!must_abandon() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(must_abandon());
}

TEST_F(InterruptTest, RequestMadeInCodeOrByAnotherSignalIsNamed) {
  request_stop(0);
  EXPECT_EQ(stop_reason(), "stopped");
  reset_stop();
  request_stop(SIGUSR1);
  EXPECT_EQ(stop_reason(), "stopped by signal " + std::to_string(SIGUSR1));
}

TEST_F(InterruptTest, ResetForgetsTheRequestAndTheGrace) {
  set_stop_grace(1s);
  request_stop(SIGTERM);
  reset_stop();
  EXPECT_FALSE(stop_requested());
  EXPECT_EQ(stop_signal(), 0);
  EXPECT_EQ(stop_grace(), 5000ms);
}

TEST_F(InterruptTest, BudgetStartsNoUnitOnceAStopIsRequested) {
  FakeTimer timer;
  Budget budget(timer, 10min);
  set_stop_grace(1h);
  ASSERT_TRUE(budget.can_start_unit());
  request_stop(SIGTERM);
  EXPECT_FALSE(budget.can_start_unit());
  EXPECT_EQ(budget.remaining(), 10min);  // the unit in progress still has its time
  request_stop(SIGTERM);
  EXPECT_EQ(budget.remaining(), 0ms);  // after the grace (here: a second signal), none
}

TEST_F(InterruptTest, RealTimerSleepEndsWhenWorkMustBeAbandoned) {
  set_stop_grace(0ms);
  RealTimer timer;
  std::thread stopper([] {
    std::this_thread::sleep_for(100ms);
    request_stop(SIGTERM);
  });
  auto started = std::chrono::steady_clock::now();
  timer.sleep_for(60s);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
}

}  // namespace
}  // namespace ferry
