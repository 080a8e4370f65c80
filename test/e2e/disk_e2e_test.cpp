// Full disks and folders that cannot be written, through the real binary: a state disk filled to
// the brim (a small tmpfs, mounted as root) is reported as such and never claimed recorded when
// it was not; a log folder that cannot be written is one line on stderr and one alert, and the
// work is done; a MindTrails data_dir that cannot be written is one alert for its server.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

#include "e2e/ferry_fixture.h"
#include "e2e/mindtrails_standin.h"
#include "support/postgres.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

// A tmpfs mounted at `dir` (created) for the life of the object; `error` says why not when
// it could not be (not root, no mount permission in this container).
class TmpfsMount {
 public:
  TmpfsMount(const std::string& dir, const std::string& options) : dir_(dir) {
    std::filesystem::create_directories(dir);
    if (::geteuid() != 0) {
      error = "mounting a tmpfs needs root (euid " + std::to_string(::geteuid()) + ")";
      return;
    }
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error = "mount -t tmpfs -o " + options + " tmpfs " + dir + ": " + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  std::string error;

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Writes `path` until its file system has no byte left (ENOSPC); returns the bytes written.
int64_t fill_disk(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
  if (fd < 0) return 0;
  std::string block(64 * 1024, 'x');
  int64_t total = 0;
  for (size_t size = block.size(); size > 0; size /= 2) {
    ssize_t n;
    while ((n = ::write(fd, block.data(), size)) > 0) total += n;
  }
  ::fsync(fd);
  ::close(fd);
  return total;
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// The lines of `text` that contain `what`.
std::vector<std::string> lines_with(const std::string& text, const std::string& what) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (has(line, what)) out.push_back(line);
  return out;
}

// What every test of a full state disk checks in a run's stderr: the disk is named full, the
// state file is named, and no failure is claimed as counted or recorded.
void expect_truthful_full_report(const FerryEnv& f, const std::string& err) {
  EXPECT_TRUE(has(err, "disk is full")) << err;
  EXPECT_TRUE(has(err, f.path("state/ferry.db"))) << err;
  EXPECT_FALSE(has(err, "unexpected error")) << err;
  EXPECT_FALSE(has(err, "failure 1 of")) << err;
  EXPECT_FALSE(has(err, "(selftest) failed")) << err;
  EXPECT_FALSE(has(err, "succeeded")) << err;
}

TEST(DiskE2E, StateDiskFullBeforeTheRunIsReportedAndTheNextRunContinues) {
  FERRY_SQLITE_ONLY();
  FerryEnv f;
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "3"}};
  TmpfsMount disk(f.path("state"), "size=4m");
  if (!disk.error.empty()) GTEST_SKIP() << "no small disk for the state: " << disk.error;
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  ASSERT_GT(fill_disk(f.path("state/filler")), 0);

  RunResult queued = f.run({"queue", "selftest", "--from", "2016-01-11", "--to", "2016-01-11"});
  EXPECT_EQ(queued.exit_code, 1) << queued.err;
  expect_truthful_full_report(f, queued.err);

  RunResult run = f.run({"run"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  expect_truthful_full_report(f, run.err);

  std::filesystem::remove(f.path("state/filler"));
  EXPECT_EQ(f.state_check(), "ok");
  RunResult next = f.run({"run"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs"), "1") << "the refused queue added no job";
  EXPECT_EQ(f.sql("SELECT status || ' ' || progress_done || ' ' || failures FROM jobs"),
            "succeeded 3 0");
  EXPECT_EQ(f.state_check(), "ok");
}

TEST(DiskE2E, StateDiskFillingDuringARunIsReportedTruthfullyAndTheNextRunContinues) {
  FERRY_SQLITE_ONLY();
  FerryEnv f;
  f.env = {
      {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "6"}, {"FERRY_SELFTEST_SLEEP_MS", "500"}};
  TmpfsMount disk(f.path("state"), "size=4m");
  if (!disk.error.empty()) GTEST_SKIP() << "no small disk for the state: " << disk.error;
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  int code;
  {
    Child run(f.argv({"run"}), f.environment({}), f.dir(), f.path("run.log"));
    ASSERT_TRUE(wait_until([&] { return f.sql("SELECT progress_done FROM jobs") != "0"; }, 20s));
    ASSERT_GT(fill_disk(f.path("state/filler")), 0);
    code = run.wait(60s);
  }
  std::string err = read_file(f.path("run.log"));
  EXPECT_EQ(code, 1) << err;
  expect_truthful_full_report(f, err);
  std::filesystem::remove(f.path("state/filler"));

  // What stderr says was written is in the state, and what it says was not is not.
  std::string status = f.sql("SELECT status FROM jobs");
  if (has(err, "queued again")) {
    EXPECT_EQ(status, "queued") << err;
  } else {
    EXPECT_TRUE(has(err, "stays 'running'")) << err;
    EXPECT_EQ(status, "running") << err;
  }
  EXPECT_EQ(f.sql("SELECT failures FROM jobs"), "0") << err;
  std::string outcome = f.sql("SELECT outcome FROM runs WHERE id = 1");
  if (has(err, "its end could not be recorded")) {
    EXPECT_EQ(outcome, "running") << err;
  } else {
    EXPECT_EQ(outcome, "failed") << err;
    EXPECT_TRUE(has(f.sql("SELECT note FROM runs WHERE id = 1"), "disk is full"));
  }
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts"), "0") << "no alert was claimed";
  EXPECT_EQ(f.state_check(), "ok");

  RunResult next = f.run({"run"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(f.sql("SELECT status || ' ' || progress_done FROM jobs"), "succeeded 6");
  EXPECT_EQ(f.state_check(), "ok");
}

// The run's stderr names the log problem once, the outbox holds one alert for it, and the
// job was done.
void expect_one_log_report(const FerryEnv& f, const RunResult& run, const std::string& log_dir,
                           const std::string& cause) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto reports = lines_with(run.err, log_dir);
  ASSERT_EQ(reports.size(), 1u) << run.err;
  EXPECT_TRUE(has(reports[0], cause)) << reports[0];
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts"), "1");
  EXPECT_EQ(f.sql("SELECT key FROM alerts"), "log:dir");
  EXPECT_TRUE(has(f.sql("SELECT body FROM alerts"), log_dir));
  EXPECT_TRUE(has(f.sql("SELECT body FROM alerts"), cause));
  EXPECT_EQ(f.sql("SELECT status FROM jobs"), "succeeded");
}

TEST(DiskE2E, LogDirUnderAFileIsOneLineAndOneAlertAndTheWorkIsDone) {
  FerryEnv f("[alerts]\nto = []\n");
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "3"}};
  write_file(f.path("not-a-folder"), "a file where the log folder's parent should be");
  const std::string logs = f.path("not-a-folder/logs");
  f.env["FERRY_LOG_DIR"] = logs;
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  RunResult run = f.run({"run"});
  expect_one_log_report(f, run, logs, "Not a directory");
}

TEST(DiskE2E, ReadOnlyLogDirIsOneLineAndOneAlertAndTheWorkIsDone) {
  FerryEnv f("[alerts]\nto = []\n");
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "3"}};
  TmpfsMount disk(f.path("ro-logs"), "size=1m,ro");
  if (!disk.error.empty()) GTEST_SKIP() << "no read-only disk for the logs: " << disk.error;
  f.env["FERRY_LOG_DIR"] = f.path("ro-logs");
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  RunResult run = f.run({"run"});
  expect_one_log_report(f, run, f.path("ro-logs"), "Read-only file system");
}

TEST(DiskE2E, FullLogDiskIsOneLineAndOneAlertAndTheWorkIsDone) {
  FerryEnv f("[alerts]\nto = []\n");
  f.env = {{"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "3"}};
  TmpfsMount disk(f.path("full-logs"), "size=1m");
  if (!disk.error.empty()) GTEST_SKIP() << "no small disk for the logs: " << disk.error;
  f.env["FERRY_LOG_DIR"] = f.path("full-logs");
  // Queued with its logs elsewhere: a log file's last page, part used, still takes a few lines.
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"},
                  {{"FERRY_LOG_DIR", f.path("logs")}})
                .exit_code,
            0);
  ASSERT_GT(fill_disk(f.path("full-logs/filler")), 0);
  RunResult run = f.run({"run"});
  expect_one_log_report(f, run, f.path("full-logs"), "No space left on device");
}

TEST(DiskE2E, UnwritableMindTrailsDataDirIsOneAlertForItsServer) {
  FerryEnv f;
  auto key = make_key(f.dir(), "team.pem", false);
  MindTrailsStandin server(repo_root() + "/test/standins/mindtrails_sample.json", key.pub,
                           f.path("standin.log"));
  ASSERT_TRUE(server.ready()) << read_file(f.path("standin.log"));
  write_file(f.path("not-a-folder"), "a file where the data folder's parent should be");
  auto server_config = [&](const std::string& name, const std::string& data_dir) {
    return "[[mindtrails.server]]\nname = \"" + name + "\"\nurl = \"" + server.url() +
           "\"\nusername = \"" + MindTrailsStandin::kUser + "\"\npassword = \"" +
           MindTrailsStandin::kPassword + "\"\nprivate_key = \"" + key.pem +
           "\"\ndelete = true\ndata_dir = \"" + data_dir + "\"\ntimeout = \"10s\"\n";
  };
  f.write_config("[alerts]\nto = []\n" + server_config("broken", f.path("not-a-folder/data")) +
                 server_config("fine", f.path("data")));
  f.env["FERRY_NOW"] = "2016-02-01T21:05:09Z";
  RunResult run = f.run({"run"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE key LIKE 'mindtrails:broken:%'"), "1")
      << f.sql("SELECT group_concat(key, ' ') FROM alerts");
  EXPECT_EQ(f.sql("SELECT key FROM alerts WHERE key LIKE 'mindtrails:broken:%'"),
            "mindtrails:broken:data_dir");
  std::string body = f.sql("SELECT body FROM alerts WHERE key = 'mindtrails:broken:data_dir'");
  EXPECT_TRUE(has(body, f.path("not-a-folder/data"))) << body;
  EXPECT_TRUE(has(body, "Not a directory")) << body;
  // The other server exported as usual.
  EXPECT_FALSE(list_dir(f.path("data/active_data")).empty());
  EXPECT_EQ(f.sql("SELECT count(*) FROM alerts WHERE key LIKE 'mindtrails:fine:%'"), "0");
}

}  // namespace
}  // namespace ferry::testing
