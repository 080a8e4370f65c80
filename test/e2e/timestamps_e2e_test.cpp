// Timestamps in the state are wall-clock times, whatever FERRY_NOW pins: runs, jobs (queued,
// started, finished, cancelled) and alerts. FERRY_NOW only decides what is due and which dates
// are exported.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "e2e/ferry_fixture.h"
#include "ferry/base/time.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

// Seconds from `from` to `to` (ISO-8601 UTC text as the state stores it).
double seconds_between(const std::string& from, const std::string& to) {
  auto a = parse_iso8601(from), b = parse_iso8601(to);
  if (!a || !b) return -1e9;
  return std::chrono::duration<double>(*b - *a).count();
}

// The UTC date of the wall clock, `yyyy-mm-dd`.
std::string today() {
  return format_iso8601(std::chrono::system_clock::now()).substr(0, 10);
}

TEST(TimestampsE2E, RunsJobsAndAlertsAreStampedWithTheWallClockNotFerryNow) {
  FerryEnv f;
  f.env = {{"FERRY_NOW", "2016-01-11T00:05:00Z"},
           {"FERRY_SELFTEST", "1"},
           {"FERRY_SELFTEST_UNITS", "4"},
           {"FERRY_SELFTEST_SLEEP_MS", "500"},
           {"FERRY_SELFTEST_CRITICAL", "1"}};
  const std::string day = today();
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).exit_code,
            0);
  const auto began = std::chrono::steady_clock::now();
  RunResult r = f.run({"run"});
  const double real =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(f.sql("SELECT status FROM jobs WHERE id = 1"), "succeeded");
  if (today() != day) GTEST_SKIP() << "the test ran across midnight UTC";

  const std::string started = f.sql("SELECT started_at FROM jobs WHERE id = 1");
  const std::string finished = f.sql("SELECT finished_at FROM jobs WHERE id = 1");
  const double job = seconds_between(started, finished);
  EXPECT_GE(job, 1.0) << started << " .. " << finished;  // four units of half a second
  EXPECT_LE(job, real + 1.0) << started << " .. " << finished << ", the run took " << real;
  // The run's stamps span the job's and lie within the process's lifetime; start-up and exit
  // are outside them (over a second each under the sanitizers, `make test SANITIZE=1`).
  const double run = seconds_between(f.sql("SELECT started_at FROM runs WHERE id = 1"),
                                     f.sql("SELECT finished_at FROM runs WHERE id = 1"));
  EXPECT_GE(run, job - 0.002) << "the job took " << job << " s";
  EXPECT_LE(run, real + 1.0) << "the process took " << real << " s";
  for (const char* q : {"SELECT started_at FROM runs", "SELECT finished_at FROM runs",
                        "SELECT created_at FROM jobs", "SELECT started_at FROM jobs",
                        "SELECT finished_at FROM jobs", "SELECT updated_at FROM jobs",
                        "SELECT created_at FROM alerts WHERE key LIKE 'selftest%'"})
    EXPECT_EQ(f.sql(std::string(q) + " LIMIT 1").substr(0, 10), day) << q;

  // Operator actions too.
  ASSERT_EQ(f.run({"queue", "selftest", "--from", "2016-01-10", "--to", "2016-01-10"}).out, "2\n");
  ASSERT_EQ(f.run({"cancel", "2"}).exit_code, 0);
  EXPECT_EQ(f.sql("SELECT finished_at FROM jobs WHERE id = 2").substr(0, 10), day);
  ASSERT_EQ(f.run({"retry", "2"}).exit_code, 0);
  EXPECT_EQ(f.sql("SELECT updated_at FROM jobs WHERE id = 2").substr(0, 10), day);
}

}  // namespace
}  // namespace ferry::testing
