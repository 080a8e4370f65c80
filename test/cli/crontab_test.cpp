// The shipped crontab line: cron mails what a job writes on stderr, so the line must not throw
// stderr away (a broken or locked state file reaches the operator that way).
#include <gtest/gtest.h>

#include <sstream>

#include "support/process.h"

namespace ferry::testing {
namespace {

TEST(CrontabTest, TheLineKeepsStderrForCronToMail) {
  std::istringstream in(read_file(repo_root() + "/crontab"));
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++lines;
    EXPECT_NE(line.find("ferry"), std::string::npos) << line;
    EXPECT_EQ(line.find("2>"), std::string::npos) << line;
    EXPECT_EQ(line.find("&>"), std::string::npos) << line;
    EXPECT_EQ(line.find(">&"), std::string::npos) << line;
  }
  EXPECT_EQ(lines, 1);
}

}  // namespace
}  // namespace ferry::testing
