// A temp state store, a FakeCake, a FakeObjectStore and Services wired together, for the unit
// tests of the CAKE job handlers and the daily task.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "cake/fake_cake.h"
#include "ferry/cake/pipeline.h"
#include "ferry/cake/store.h"
#include "ferry/config/config.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/net/fake_object_store.h"
#include "ferry/state/jobs.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::cake::testing {

// Forwards to a FakeObjectStore that outlives it, as Services::object_store hands out owners.
class SharedObjectStore : public net::ObjectStore {
 public:
  explicit SharedObjectStore(net::FakeObjectStore& s) : s_(s) {}
  void put_file(const std::string& k, const std::string& p) override { s_.put_file(k, p); }
  void get_file(const std::string& k, const std::string& p) override { s_.get_file(k, p); }
  std::optional<net::ObjectInfo> head(const std::string& k) override { return s_.head(k); }
  std::vector<net::ObjectInfo> list(const std::string& p, const std::string& a) override {
    return s_.list(p, a);
  }
  void remove(const std::string& k) override { s_.remove(k); }
  std::string presign_get(const std::string& k, std::chrono::seconds e, TimePoint n) override {
    return s_.presign_get(k, e, n);
  }
  std::string describe() const override { return s_.describe(); }
  net::ObjectLocation location() const override { return s_.location(); }

 private:
  net::FakeObjectStore& s_;
};

inline TimePoint at(const char* iso) {
  return *parse_iso8601(iso);
}

class PipelineTest : public ::testing::Test {
 protected:
  explicit PipelineTest(int per_hour = 5, Date from = {2016, 1, 10}, Date to = {2016, 1, 11})
      : store_(dir_ / "state", {{"cake", cake::migrations()}}),
        cake_(from, to, per_hour),
        budget_(timer_, std::chrono::hours(1)),
        services_{config_,
                  store_,
                  cake_.http(),
                  alerts_,
                  at("2016-01-12T03:00:00Z"),
                  wall_,
                  budget_,
                  1,
                  [this](const std::string& target) -> std::unique_ptr<net::ObjectStore> {
                    if (target != settings_.s3) throw UsageError("no [s3." + target + "]");
                    return std::make_unique<SharedObjectStore>(s3_);
                  },
                  io::Env::posix()} {
    settings_.admin_url = "https://cake.test";
    settings_.api_key = "secret-key-1";
    settings_.output_dir = dir_ / "out";
    settings_.s3_prefix = "cake/";
  }

  int64_t enqueue(const char* kind, const char* from, const char* to) {
    return state::JobStore(store_).enqueue(kind, from, to, "{}", services_.now);
  }
  std::unique_ptr<core::JobHandler> handler(const std::string& kind) {
    return handler(kind, services_);
  }
  std::unique_ptr<core::JobHandler> handler(const std::string& kind, core::Services& services) {
    return kind == kClicksKind ? make_clicks_job(services, settings_, &timer_)
                               : make_conversions_job(services, settings_, &timer_);
  }
  // Services like services_ over another state store, env and object store (the crash walks
  // open the state afresh and change the env between runs).
  core::Services services_over(state::Store& store, io::Env& env, net::FakeObjectStore& s3) {
    return core::Services{
        config_,
        store,
        cake_.http(),
        alerts_,
        services_.now,
        wall_,
        budget_,
        1,
        [this, &s3](const std::string& target) -> std::unique_ptr<net::ObjectStore> {
          if (target != settings_.s3) throw UsageError("no [s3." + target + "]");
          return std::make_unique<SharedObjectStore>(s3);
        },
        env};
  }
  // Steps `h` on job `id` until it is done or failed, or `max_steps` units ran.
  core::StepResult run(core::JobHandler& h, int64_t id, int max_steps = 100000) {
    state::JobStore jobs(store_);
    core::StepResult r = core::StepResult::more();
    for (int i = 0; i < max_steps && r.status == core::StepStatus::kMore; ++i) {
      auto job = jobs.get(id);
      r = h.step(*job);
    }
    return r;
  }
  state::Job job(int64_t id) { return *state::JobStore(store_).get(id); }

  ferry::testing::TempDir dir_;
  ferry::testing::TestStore store_;
  FakeCake cake_;
  net::FakeObjectStore s3_;
  log::RecordingAlertSink alerts_;
  FakeTimer timer_;
  Budget budget_;
  config::Config config_;
  FixedClock wall_{at("2016-01-12T03:00:07Z")};
  core::Services services_;
  CakeSettings settings_;
};

}  // namespace ferry::cake::testing
