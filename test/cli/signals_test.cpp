// The SIGTERM/SIGINT handlers of the command line record a stop request.
#include "cli/signals.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "ferry/base/interrupt.h"

namespace ferry::cli {
namespace {

using namespace std::chrono_literals;

class SignalsTest : public ::testing::Test {
 protected:
  void SetUp() override { reset_stop(); }
  void TearDown() override {
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    reset_stop();
  }
};

TEST_F(SignalsTest, SigtermAndSigintRequestAStopWithTheGraceGiven) {
  install_stop_handlers(2s);
  EXPECT_EQ(stop_grace(), 2000ms);
  ASSERT_EQ(::raise(SIGTERM), 0);  // with the default action this would end the test binary
  EXPECT_TRUE(stop_requested());
  EXPECT_EQ(stop_signal(), SIGTERM);
  EXPECT_FALSE(must_abandon());
  ASSERT_EQ(::raise(SIGINT), 0);
  EXPECT_TRUE(must_abandon());
  EXPECT_EQ(stop_requests(), 2);
  EXPECT_EQ(stop_signal(), SIGTERM);
}

TEST_F(SignalsTest, NoStopLeavesTheExitCodeAlone) {
  EXPECT_EQ(end_if_stopped(1), 1);
  EXPECT_EQ(end_if_stopped(0), 0);
}

}  // namespace
}  // namespace ferry::cli
