// The metrics file through the real binary: promtool accepts it, its values are what sqlite3
// says, counters never go down when history is pruned, and a run killed midway leaves the old
// file or the new one, whole.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>

#include "e2e/ferry_fixture.h"
#include "ferry/base/time.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

const char* kConfig = "[metrics]\ntextfile_path = \"prom/ferry.prom\"\n[alerts]\nto = []\n";

const std::map<std::string, std::string> kSelftest = {
    {"FERRY_SELFTEST", "1"}, {"FERRY_SELFTEST_UNITS", "2"}, {"FERRY_SELFTEST_OUTPUTS", "1"}};

std::map<std::string, std::string> selftest(std::map<std::string, std::string> more = {}) {
  more.insert(kSelftest.begin(), kSelftest.end());
  return more;
}

// `series -> value` of every sample line (series = name{labels} as written).
std::map<std::string, std::string> samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.rfind(' ');
    out[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return out;
}

std::string promtool_check(const std::string& file) {
  RunResult r = run_command({"sh", "-c", "promtool check metrics < '" + file + "' 2>&1"});
  return r.exit_code == 0 ? "" : "promtool: " + r.out + r.err;
}

void queue(const FerryEnv& f, const std::string& day) {
  ASSERT_EQ(f.run({"queue", "selftest", "--from", day, "--to", day}, selftest()).exit_code, 0);
}

TEST(MetricsE2E, PromtoolAcceptsTheFileAndItsValuesAreWhatSqliteSays) {
  FERRY_REQUIRE(missing_program("promtool", "prometheus"));
  FerryEnv f(kConfig);
  queue(f, "2016-01-10");
  queue(f, "2016-01-11");
  ASSERT_EQ(f.run({"run"}, selftest()).exit_code, 0);
  queue(f, "2016-01-12");
  ASSERT_EQ(f.run({"run"}, selftest({{"FERRY_SELFTEST_FAIL", "permanent"}})).exit_code, 1);
  ASSERT_EQ(f.run({"run"}, selftest({{"FERRY_SELFTEST_CRITICAL", "1"}})).exit_code, 0);
  const std::string file = f.path("prom/ferry.prom");
  ASSERT_TRUE(file_exists(file)) << f.all_logs();
  const std::string text = read_file(file);
  EXPECT_EQ(promtool_check(file), "") << text;
  auto m = samples(text);
  EXPECT_EQ(m["ferry_runs_total{outcome=\"ok\"}"],
            f.sql("SELECT count(*) FROM runs WHERE outcome = 'ok'"));
  EXPECT_EQ(m["ferry_runs_total{outcome=\"ok\"}"], "2");
  EXPECT_EQ(m["ferry_runs_total{outcome=\"failed\"}"],
            f.sql("SELECT count(*) FROM runs WHERE outcome = 'failed'"));
  EXPECT_EQ(m["ferry_jobs{status=\"succeeded\"}"],
            f.sql("SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
  EXPECT_EQ(m["ferry_jobs{status=\"failed\"}"], "1");
  EXPECT_EQ(m["ferry_job_failures_total{kind=\"selftest\"}"],
            f.sql("SELECT count(*) FROM jobs WHERE status = 'failed'"));
  EXPECT_EQ(m["ferry_units_total{pipeline=\"selftest\"}"],
            f.sql("SELECT sum(units_done) FROM runs"));
  EXPECT_EQ(m["ferry_rows_total{pipeline=\"selftest\"}"],
            f.sql("SELECT sum(rows) FROM job_outputs"));
  EXPECT_EQ(m["ferry_rows_total{pipeline=\"selftest\"}"], "60");
  EXPECT_EQ(m["ferry_bytes_uploaded_total"], f.sql("SELECT sum(size) FROM job_outputs"));
  EXPECT_EQ(m["ferry_alerts_pending"],
            f.sql("SELECT count(*) FROM alerts WHERE status = 'pending'"));
  EXPECT_EQ(m["ferry_alerts_sent_total"], f.sql("SELECT sum(alerts_sent) FROM runs"));
  auto epoch = [&](const std::string& column) {
    auto t = parse_iso8601(f.sql("SELECT " + column + " FROM runs ORDER BY id DESC LIMIT 1"));
    EXPECT_TRUE(t) << column;
    return t ? std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() : 0;
  };
  EXPECT_EQ(m["ferry_last_run_timestamp_seconds"], std::to_string(epoch("finished_at")));
  EXPECT_EQ(m["ferry_last_run_duration_seconds"],
            std::to_string(epoch("finished_at") - epoch("started_at")));
  EXPECT_EQ(m["ferry_last_run_success"], "1");
  // The mark the daily pruning leaves: its age when the file was written, at most the time
  // since then below what sqlite3 says now.
  const std::string age = "ferry_mark_age_seconds{source=\"state\",stream=\"pruned\"}";
  ASSERT_TRUE(m.count(age)) << text;
  auto updated = parse_iso8601(
      f.sql("SELECT updated_at FROM marks WHERE source = 'state' AND stream = 'pruned'"));
  ASSERT_TRUE(updated);
  long now_age = static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *updated)
          .count());
  EXPECT_LE(std::stol(m[age]), now_age);
  EXPECT_GE(std::stol(m[age]), now_age - 60);
}

TEST(MetricsE2E, CountersNeverGoDownWhenHistoryIsPruned) {
  FERRY_REQUIRE(missing_program("promtool", "prometheus"));
  FerryEnv f(kConfig);
  for (const char* day : {"2016-01-10", "2016-01-11", "2016-01-12"}) {
    queue(f, day);
    ASSERT_EQ(f.run({"run"}, selftest()).exit_code, 0);
  }
  auto before = samples(read_file(f.path("prom/ferry.prom")));
  ASSERT_EQ(before["ferry_runs_total{outcome=\"ok\"}"], "3");
  // A run on a later day with a short history: the earlier runs and jobs are pruned.
  RunResult r = f.run({"run"}, selftest({{"FERRY_NOW", "2030-01-01T00:00:00Z"},
                                         {"FERRY_STATE_KEEP_HISTORY", "1s"},
                                         {"FERRY_STATE_KEEP_JOBS", "1s"}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(f.sql("SELECT count(*) FROM jobs"), "0") << f.all_logs();
  EXPECT_EQ(f.sql("SELECT count(*) FROM runs"), "0");  // that run itself too, once ended
  // The file was written after the pruning, by the next run.
  ASSERT_EQ(f.run({"run"}, selftest()).exit_code, 0);
  const std::string text = read_file(f.path("prom/ferry.prom"));
  EXPECT_EQ(promtool_check(f.path("prom/ferry.prom")), "") << text;
  auto after = samples(text);
  EXPECT_EQ(f.sql("SELECT count(*) FROM runs"), "1");
  EXPECT_EQ(after["ferry_runs_total{outcome=\"ok\"}"], "5");
  EXPECT_EQ(after["ferry_runs_total{outcome=\"ok\"}"],
            f.sql("SELECT value FROM totals WHERE counter = 'runs' AND label = 'ok'"));
  for (const auto& [series, value] : before)
    if (series.find("_total") != std::string::npos) {
      ASSERT_TRUE(after.count(series)) << series;
      EXPECT_GE(std::stod(after[series]), std::stod(value)) << series;
    }
  EXPECT_EQ(after["ferry_rows_total{pipeline=\"selftest\"}"], "90");
  EXPECT_EQ(after["ferry_jobs{status=\"succeeded\"}"], "0");
}

TEST(MetricsE2E, ARunKilledMidwayLeavesTheOldFileWhole) {
  FERRY_REQUIRE(missing_program("promtool", "prometheus"));
  FerryEnv f(kConfig);
  queue(f, "2016-01-10");
  ASSERT_EQ(f.run({"run"}, selftest()).exit_code, 0);
  const std::string file = f.path("prom/ferry.prom");
  const std::string old = read_file(file);
  // What a writer killed between its temp file and the rename leaves: swept by the next run.
  write_file(f.path("prom/.ferry.prom.tmp.99999.0"), "ferry_runs_total{outcome=\"ok\"} 1");
  for (int kill_after = 1; kill_after <= 3; ++kill_after) {
    queue(f, "2016-02-0" + std::to_string(kill_after));
    auto env = f.environment(
        selftest({{"FERRY_SELFTEST_UNITS", "50"}, {"FERRY_SELFTEST_SLEEP_MS", "50"}}));
    // Killed once this run has recorded itself and done units of its own (a job left `running`
    // by the previous kill must not satisfy the wait before this run even started).
    const long before = std::stol(f.sql("SELECT coalesce(sum(progress_done), 0) FROM jobs"));
    Child run(f.argv({"run"}), env, f.dir(), f.path("run.log"));
    const std::string own_run = "SELECT count(*) FROM runs WHERE outcome = 'running' AND pid = " +
                                std::to_string(run.pid());
    ASSERT_TRUE(wait_until(
        [&] {
          return f.sql(own_run) != "0" &&
                 std::stol(f.sql("SELECT coalesce(sum(progress_done), 0) FROM jobs")) >=
                     before + 5 * kill_after;
        },
        30s));
    run.signal(SIGKILL);
    run.wait(10s);
    EXPECT_EQ(read_file(file), old);
    EXPECT_EQ(promtool_check(file), "");
  }
  ASSERT_EQ(f.run({"run"}, selftest({{"FERRY_SELFTEST_UNITS", "50"}})).exit_code, 0);
  const std::string text = read_file(file);
  EXPECT_NE(text, old);
  EXPECT_EQ(promtool_check(file), "") << text;
  EXPECT_EQ(samples(text)["ferry_runs_total{outcome=\"crashed\"}"], "3");
  EXPECT_EQ(list_dir(f.path("prom")), std::vector<std::string>{"ferry.prom"});
}

}  // namespace
}  // namespace ferry::testing
