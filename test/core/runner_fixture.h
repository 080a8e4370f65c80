// The runner's unit-test fixture: a temp state store, fake clocks and fake job kinds.
#pragma once

#include <gtest/gtest.h>

#include "ferry/config/config.h"
#include "ferry/core/runner.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/net/fake_http.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::core::testing {

using namespace std::chrono_literals;
using state::JobStatus;

// A job of `units` units, each advancing the fake timer by `unit_time`.
class CountingJob : public JobHandler {
 public:
  CountingJob(Services& s, FakeTimer& timer, int units, std::chrono::milliseconds unit_time,
              std::function<void(state::Job&)> hook)
      : s_(s), timer_(timer), units_(units), unit_time_(unit_time), hook_(std::move(hook)) {}
  StepResult step(state::Job& job) override {
    timer_.advance(unit_time_);
    if (hook_) hook_(job);
    int64_t done = job.progress_done + 1;
    state::JobStore(s_.store).commit_unit(job.id, "u" + std::to_string(done), done, units_, {},
                                          s_.now);
    return done >= units_ ? StepResult::done() : StepResult::more();
  }

 private:
  Services& s_;
  FakeTimer& timer_;
  int units_;
  std::chrono::milliseconds unit_time_;
  std::function<void(state::Job&)> hook_;
};

class FailingJob : public JobHandler {
 public:
  explicit FailingJob(Failure f) : f_(std::move(f)) {}
  StepResult step(state::Job&) override { return StepResult::failed(f_); }

 private:
  Failure f_;
};

// A job of `units` units; unit i (from 1) may be done once Services::now has reached
// `first + (i - 1) * 1h`; before that it asks to wait until then.
class SettlingJob : public JobHandler {
 public:
  SettlingJob(Services& s, TimePoint first, int units) : s_(s), first_(first), units_(units) {}
  StepResult step(state::Job& job) override {
    TimePoint ready = first_ + std::chrono::hours(job.progress_done);
    if (ready > s_.now) return StepResult::wait_until(ready);
    int64_t done = job.progress_done + 1;
    state::JobStore(s_.store).commit_unit(job.id, "u" + std::to_string(done), done, units_, {},
                                          s_.now);
    return done >= units_ ? StepResult::done() : StepResult::more();
  }

 private:
  Services& s_;
  TimePoint first_;
  int units_;
};

class OnceTask : public ScheduledTask {
 public:
  explicit OnceTask(int* steps, bool throws = false) : steps_(steps), throws_(throws) {}
  bool due(std::optional<TimePoint> last) override { return !last; }
  StepResult step() override {
    if (throws_) throw std::runtime_error("boom in task");
    ++*steps_;
    return *steps_ % 2 == 0 ? StepResult::done() : StepResult::more();
  }

 private:
  int* steps_;
  bool throws_;
};

class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest()
      : store_(dir_.path(), {}, {}, 200ms),  // short busy timeout: lock tests stay quick
        http_([](const net::HttpRequest&) { return net::FakeHttpClient::respond(200); }),
        budget_(timer_, 10s),
        services_{config_, store_,  http_, alerts_, TimePoint(std::chrono::seconds(1452470400)),
                  wall_,   budget_, 0,     nullptr, io::Env::posix()} {}

  RunReport run(RunOptions options = {}) {
    Runner runner(registry_, services_, nullptr, options);
    return runner.run();
  }
  int64_t enqueue(const std::string& kind) {
    return jobs_.enqueue(kind, "2016-01-10", "2016-01-10", "{}", services_.now);
  }
  void add_counting(int units, std::chrono::milliseconds unit_time,
                    std::function<void(state::Job&)> hook = {}) {
    registry_.add_job_kind({"count", "", [=](Services& s) {
                              return std::make_unique<CountingJob>(s, timer_, units, unit_time,
                                                                   hook);
                            }});
  }

  TimePoint s_now() const { return services_.now; }
  void add_settling(TimePoint first, int units) {
    registry_.add_job_kind({"settle", "", [=](Services& s) {
                              return std::make_unique<SettlingJob>(s, first, units);
                            }});
  }

  ferry::testing::TempDir dir_;
  ferry::testing::TestStore store_;
  state::JobStore jobs_{store_};
  config::Config config_;
  net::FakeHttpClient http_;
  log::RecordingAlertSink alerts_;
  FakeTimer timer_;
  Budget budget_;
  FixedClock wall_{TimePoint(std::chrono::seconds(1452470403))};
  Services services_;
  Registry registry_;
};

}  // namespace ferry::core::testing
