// The state file under trouble, through the real binary: another program (`sqlite3`) holding
// its write lock, a corrupt, missing or too new file, the WAL checkpoint and `ferry backup`.
#include <gtest/gtest.h>

#include "ferry/sql/statement.h"

#include <filesystem>
#include <functional>
#include <thread>

#include "e2e/ferry_fixture.h"
#include "support/postgres.h"
#include "support/requirements.h"
#include "support/smtp_server.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

// A `sqlite3` process that takes the write lock on `db_path` (BEGIN IMMEDIATE, waiting up to
// 5 s for ferry's own short transactions) and holds it for `seconds`, then commits; killed
// (releasing the lock) when destroyed. Returns once the lock is held.
std::unique_ptr<Child> hold_write_lock(const std::string& db_path, int seconds) {
  const std::string held = db_path + ".test-lock-held";
  std::filesystem::remove(held);
  std::string script = "{ echo '.timeout 5000'; echo 'BEGIN IMMEDIATE;'; echo '.shell touch " +
                       held + "'; sleep " + std::to_string(seconds) +
                       "; echo 'COMMIT;'; } | sqlite3 -bail '" + db_path + "'";
  auto child = std::make_unique<Child>(std::vector<std::string>{"sh", "-c", script});
  EXPECT_TRUE(wait_until([&] { return file_exists(held); }, 10s)) << "sqlite3 took no lock";
  return child;
}

std::string count_failures(const FerryEnv& f) {
  return f.sql("SELECT count(*) FROM jobs WHERE status = 'failed' OR failures > 0");
}

// Selftest jobs of 4 units of 0.4 s each.
void use_selftest(FerryEnv& f) {
  f.env = {
      {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "4"}, {"FERRY_SELFTEST_SLEEP_MS", "400"}};
}

void queue_jobs(const FerryEnv& f, int n) {
  for (int i = 1; i <= n; ++i) {
    std::string day = "2016-01-1" + std::to_string(i);
    ASSERT_EQ(f.run({"queue", "selftest", "--from", day, "--to", day}).exit_code, 0);
  }
}

// Runs until every job succeeded (at most `runs` runs), each run exiting 0.
void run_to_completion(const FerryEnv& f, int runs) {
  for (int i = 0; i < runs && f.sql("SELECT count(*) FROM jobs WHERE status != 'succeeded'") != "0";
       ++i) {
    RunResult r = f.run({"run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs WHERE status != 'succeeded'"), "0");
}

TEST(StateE2E, WriteLockHeldFifteenSecondsDuringARunFailsNoJob) {
  FERRY_SQLITE_ONLY();
  FerryEnv f;
  use_selftest(f);
  queue_jobs(f, 3);
  Child run(f.argv({"run"}), f.environment({}), f.dir(), f.path("run.log"));
  ASSERT_TRUE(wait_until(
      [&] { return f.sql("SELECT count(*) FROM jobs WHERE progress_done >= 1") != "0"; }, 20s));
  {
    auto lock = hold_write_lock(f.path("state/ferry.db"), 15);
    EXPECT_EQ(lock->wait(40s), 0);  // sqlite3 committed after 15 s
  }
  EXPECT_EQ(run.wait(90s), 0) << read_file(f.path("run.log"));
  EXPECT_EQ(count_failures(f), "0") << read_file(f.path("run.log"));
  run_to_completion(f, 4);
  EXPECT_EQ(count_failures(f), "0");
}

TEST(StateE2E, QueueAndRunWhileLockedSayItPlainlyAndExit1) {
  FERRY_SQLITE_ONLY();
  FerryEnv f("[state]\nbusy_timeout = \"1s\"\n");
  use_selftest(f);
  queue_jobs(f, 1);
  auto lock = hold_write_lock(f.path("state/ferry.db"), 120);
  const std::string message =
      "the state file " + f.path("state/ferry.db") + " is locked by another program";
  RunResult queue = f.run({"queue", "selftest", "--from", "2016-02-01", "--to", "2016-02-01"});
  EXPECT_EQ(queue.exit_code, 1);
  EXPECT_NE(queue.err.find(message), std::string::npos) << queue.err;
  EXPECT_EQ(queue.err.find("unexpected error"), std::string::npos) << queue.err;
  RunResult run = f.run({"run"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
  lock.reset();
  run_to_completion(f, 3);
  EXPECT_EQ(count_failures(f), "0");
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs"), "1");
}

TEST(StateE2E, LockOutlastingTheRunEndsItWithExit1AndCountsNoFailure) {
  FERRY_SQLITE_ONLY();
  FerryEnv f("[state]\nbusy_timeout = \"1s\"\n");
  use_selftest(f);
  queue_jobs(f, 2);
  Child run(f.argv({"run"}), f.environment({}), f.dir(), f.path("run.log"));
  ASSERT_TRUE(wait_until(
      [&] { return f.sql("SELECT count(*) FROM jobs WHERE progress_done >= 1") != "0"; }, 20s));
  auto lock = hold_write_lock(f.path("state/ferry.db"), 600);
  EXPECT_EQ(run.wait(60s), 1);
  std::string err = read_file(f.path("run.log"));
  EXPECT_NE(err.find("is locked by another program"), std::string::npos) << err;
  lock.reset();  // sqlite3 killed: the lock is released

  RunResult next = f.run({"run"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(count_failures(f), "0") << next.err;
  EXPECT_EQ(f.sql("SELECT outcome FROM runs WHERE id = 1"), "interrupted");
  EXPECT_NE(f.sql("SELECT note FROM runs WHERE id = 1").find("locked"), std::string::npos);
  EXPECT_FALSE(file_exists(f.path("state/ferry.db.unrecorded")));
  run_to_completion(f, 4);
  EXPECT_EQ(count_failures(f), "0");
}

// A state file the next run cannot use: `break_it` spoils it after one good run.
struct BrokenCase {
  FerryEnv f;
  std::unique_ptr<SmtpServer> server;
};

std::unique_ptr<BrokenCase> broken_case() {
  auto c = std::make_unique<BrokenCase>();
  int port = free_port();
  c->f.write_config("[alerts]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(port) +
                    "\"\nto = [\"ops@example.org\"]\nmin_interval = \"1h\"\n");
  c->server = std::make_unique<SmtpServer>(port, c->f.path("smtp.log"));
  EXPECT_TRUE(c->server->ready()) << c->server->log();
  EXPECT_EQ(c->f.run({"run"}).exit_code, 0);
  return c;
}

TEST(StateE2E, CorruptStateMailsOncePerIntervalSaysSoAndExits1) {
  FERRY_SQLITE_ONLY();
  FERRY_REQUIRE(SmtpServer::missing());
  auto c = broken_case();
  FerryEnv& f = c->f;
  std::filesystem::remove(f.path("state/ferry.db-wal"));
  std::filesystem::remove(f.path("state/ferry.db-shm"));
  write_file(f.path("state/ferry.db"), std::string(8192, 'x'));

  RunResult first = f.run({"-q", "run"});
  EXPECT_EQ(first.exit_code, 1);
  EXPECT_NE(first.err.find(f.path("state/ferry.db")), std::string::npos) << first.err;
  ASSERT_TRUE(c->server->wait_messages(1)) << c->server->log();
  EXPECT_NE(c->server->log().find("Subject: [ferry] the state file"), std::string::npos)
      << c->server->log();
  EXPECT_TRUE(file_exists(f.path("state/ferry.db.alerted")));

  RunResult second = f.run({"-q", "run"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find(f.path("state/ferry.db")), std::string::npos) << second.err;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(c->server->messages(), 1);
  EXPECT_EQ(read_file(f.path("state/ferry.db")), std::string(8192, 'x'));  // left as found
}

TEST(StateE2E, NewerSchemaIsRefusedLoudly) {
  FERRY_SQLITE_ONLY();
  FERRY_REQUIRE(SmtpServer::missing());
  auto c = broken_case();
  FerryEnv& f = c->f;
  {
    auto db_owner = sql::open_sqlite(f.path("state/ferry.db"), false, 5000);
    sql::Connection& db = *db_owner;
    db.exec("PRAGMA user_version = 999");
  }
  RunResult r = f.run({"-q", "run"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("schema version 999"), std::string::npos) << r.err;
  ASSERT_TRUE(c->server->wait_messages(1)) << c->server->log();
  EXPECT_EQ(f.sql("PRAGMA user_version"), "999");
}

TEST(StateE2E, MissingStateWithItsWalIsRefusedNotRecreated) {
  FERRY_SQLITE_ONLY();
  FerryEnv f;
  use_selftest(f);
  queue_jobs(f, 1);
  ASSERT_TRUE(file_exists(f.path("state/ferry.db-wal")));
  std::filesystem::remove(f.path("state/ferry.db"));
  for (const char* command : {"run", "jobs"}) {
    RunResult r = f.run({command});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_NE(r.err.find("ferry.db-wal"), std::string::npos) << r.err;
    EXPECT_FALSE(file_exists(f.path("state/ferry.db"))) << command;
  }
}

TEST(StateE2E, RunCheckpointsSoTheFileAloneHoldsEverything) {
  FERRY_SQLITE_ONLY();
  FerryEnv f;
  use_selftest(f);
  queue_jobs(f, 2);
  run_to_completion(f, 1);
  TempDir copy;
  std::filesystem::copy_file(f.path("state/ferry.db"), copy / "ferry.db");
  RunResult q = run_command(
      {"sqlite3", copy / "ferry.db", "SELECT count(*) FROM jobs WHERE status = 'succeeded'"});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "2\n") << q.err;
}

TEST(StateE2E, BackupWritesACopySqliteOpens) {
  FERRY_SQLITE_ONLY();
  FerryEnv f;
  use_selftest(f);
  queue_jobs(f, 2);
  run_to_completion(f, 1);
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-03-01", "--to", "2016-03-01"}).exit_code,
            0);
  const std::string file = f.path("backups/ferry-copy.db");
  RunResult b = f.run({"backup", file});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(b.out.find(file), std::string::npos) << b.out;
  EXPECT_TRUE(list_dir(f.path("backups")) == std::vector<std::string>{"ferry-copy.db"});
  RunResult q = run_command({"sqlite3", file,
                             "SELECT group_concat(x, ',') FROM "
                             "(SELECT id || ':' || status AS x FROM jobs ORDER BY id)"});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "1:succeeded,2:succeeded,3:queued\n") << q.err;

  RunResult again = f.run({"backup", file});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
  EXPECT_EQ(f.run({"backup", "--force", file}).exit_code, 0);
}

}  // namespace
}  // namespace ferry::testing
