// The shipped scheduling files in crontab/: the cron line (cron mails what a job writes on
// stderr, so the line must not throw stderr away: a broken or locked state file reaches the
// operator that way) and the systemd service and timer, which must run the same command every
// five minutes, catch up after downtime, and give a run longer than its own budget to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "support/process.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

// The command of the cron line: what follows the five time fields.
std::string cron_command() {
  std::istringstream in(read_file(repo_root() + "/crontab/ferry.cron"));
  std::string line, command;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string f;
    for (int i = 0; i < 5; ++i) fields >> f;
    std::getline(fields, command);
  }
  return command;
}

// `Key=value` lines of a unit file (the last of each key).
std::map<std::string, std::string> unit_keys(const std::string& path) {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

TEST(CrontabTest, TheLineKeepsStderrForCronToMail) {
  std::istringstream in(read_file(repo_root() + "/crontab/ferry.cron"));
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++lines;
    EXPECT_EQ(line.rfind("*/5 * * * * ", 0), 0u) << line;
    EXPECT_NE(line.find("ferry"), std::string::npos) << line;
    EXPECT_EQ(line.find("2>"), std::string::npos) << line;
    EXPECT_EQ(line.find("&>"), std::string::npos) << line;
    EXPECT_EQ(line.find(">&"), std::string::npos) << line;
  }
  EXPECT_EQ(lines, 1);
}

TEST(CrontabTest, TheTimerRunsTheCronCommandEveryFiveMinutes) {
  auto service = unit_keys(repo_root() + "/crontab/ferry.service");
  auto timer = unit_keys(repo_root() + "/crontab/ferry.timer");
  // `cd DIR && ./bin/ferry ARGS >/dev/null` in cron is WorkingDirectory=DIR, DIR/bin/ferry ARGS.
  std::string command = cron_command();
  auto cd = command.find("cd "), amp = command.find(" && ./");
  ASSERT_NE(cd, std::string::npos) << command;
  ASSERT_NE(amp, std::string::npos) << command;
  std::string dir = command.substr(cd + 3, amp - cd - 3);
  std::string args = command.substr(amp + 6);
  args = args.substr(0, args.find(" >/dev/null"));
  EXPECT_EQ(service["WorkingDirectory"], dir);
  EXPECT_EQ(service["ExecStart"], dir + "/" + args);
  EXPECT_EQ(service["Type"], "oneshot");
  EXPECT_EQ(service["StandardError"], "journal");
  // Longer than run.max_time (270s) plus run.stop_grace (5s): systemd never cuts a run short.
  EXPECT_GT(std::stoi(service["TimeoutStopSec"]), 275);
  EXPECT_GT(std::stoi(service["TimeoutStartSec"]), 275);
  EXPECT_EQ(timer["OnCalendar"], "*:0/5");
  EXPECT_EQ(timer["Persistent"], "true");
  EXPECT_EQ(timer["WantedBy"], "timers.target");
}

// systemd's own check, on a copy whose paths point at the built binary (it checks that
// ExecStart is executable).
TEST(SystemdIntegration, SystemdAnalyzeVerifyAcceptsTheUnits) {
  FERRY_REQUIRE(std::filesystem::exists("/usr/bin/systemd-analyze")
                    ? ""
                    : "systemd-analyze not found (Debian package systemd)");
  TempDir tmp;
  const std::string dir = tmp.path();
  std::filesystem::create_directories(dir + "/bin");
  std::filesystem::copy_file(ferry_bin(), dir + "/bin/ferry");
  for (const char* name : {"ferry.service", "ferry.timer"}) {
    std::string text = read_file(repo_root() + "/crontab/" + name);
    for (size_t at; (at = text.find("/opt/ferry")) != std::string::npos;) text.replace(at, 10, dir);
    write_file(dir + "/" + name, text);
  }
  auto r = run_command(
      {"systemd-analyze", "verify", "--man=no", dir + "/ferry.service", dir + "/ferry.timer"}, {},
      dir);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace ferry::testing
