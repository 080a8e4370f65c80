#include "ferry/selftest/selftest.h"

#include <thread>

#include "ferry/core/registry.h"
#include "ferry/log/alerts.h"
#include "ferry/state/jobs.h"

namespace ferry::selftest {
namespace {

std::string env_or(const std::map<std::string, std::string>& env, const std::string& key,
                   const std::string& def) {
  auto it = env.find(key);
  return it == env.end() || it->second.empty() ? def : it->second;
}

class SelftestJob : public core::JobHandler {
 public:
  SelftestJob(core::Services& s, int units, int sleep_ms, std::string fail, bool outputs)
      : s_(s), units_(units), sleep_ms_(sleep_ms), fail_(std::move(fail)), outputs_(outputs) {}

  core::StepResult step(state::Job& job) override {
    if (fail_ == "transient")
      return core::StepResult::failed(Failure::transient("selftest: simulated transient failure"));
    if (fail_ == "permanent")
      return core::StepResult::failed(Failure::permanent("selftest: simulated permanent failure"));
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
    int64_t done = job.progress_done + 1;
    std::vector<state::JobOutput> outputs;
    if (outputs_) outputs.push_back(output(job.id, done));
    state::JobStore(s_.store).commit_unit(job.id, "unit " + std::to_string(done), done, units_,
                                          outputs, s_.wall.now());
    return done >= units_ ? core::StepResult::done() : core::StepResult::more();
  }

 private:
  // What an uploaded output of unit `n` records (no file, no upload: a made-up link).
  state::JobOutput output(int64_t job_id, int64_t n) const {
    state::JobOutput o;
    o.name = "selftest-" + std::to_string(job_id) + "-" + std::to_string(n) + ".csv";
    o.s3_target = "selftest";
    o.s3_key = "selftest/" + o.name;
    o.size = 1000 + n;
    o.rows = 10 * n;
    o.link =
        "https://downloads.example.invalid/" + o.s3_key + "?X-Amz-Expires=86400&X-Amz-Signature=0f";
    o.link_expires_at = format_iso8601(s_.wall.now() + std::chrono::hours(24));
    return o;
  }
  core::Services& s_;
  int units_, sleep_ms_;
  std::string fail_;
  bool outputs_;
};

class AlarmTask : public core::ScheduledTask {
 public:
  AlarmTask(core::Services& s, bool critical) : s_(s), critical_(critical) {}
  bool due(std::optional<TimePoint>) override { return critical_; }
  core::StepResult step() override {
    s_.alerts.raise("selftest:alarm", "selftest alarm", "a simulated critical event");
    return core::StepResult::done();
  }

 private:
  core::Services& s_;
  bool critical_;
};

class SelftestPipeline : public core::Pipeline {
 public:
  explicit SelftestPipeline(const std::map<std::string, std::string>& env)
      : units_(std::stoi(env_or(env, "FERRY_SELFTEST_UNITS", "3"))),
        sleep_ms_(std::stoi(env_or(env, "FERRY_SELFTEST_SLEEP_MS", "0"))),
        fail_(env_or(env, "FERRY_SELFTEST_FAIL", "")),
        critical_(env_or(env, "FERRY_SELFTEST_CRITICAL", "") == "1"),
        outputs_(env_or(env, "FERRY_SELFTEST_OUTPUTS", "") == "1") {}

  std::string name() const override { return "selftest"; }
  void declare_config(config::ConfigSchema&) const override {}
  std::vector<core::ConfigProblem> check(const config::Config&) const override { return {}; }

  std::vector<core::JobKind> job_kinds() const override {
    int units = units_, sleep_ms = sleep_ms_;
    std::string fail = fail_;
    bool outputs = outputs_;
    return {{"selftest", "test-only job of N units", [=](core::Services& s) {
               return std::make_unique<SelftestJob>(s, units, sleep_ms, fail, outputs);
             }}};
  }
  std::vector<core::TaskKind> tasks() const override {
    bool critical = critical_;
    return {{"selftest-alarm", "test-only task that raises an alert",
             [=](core::Services& s, const core::TaskArgs&) {
               return std::make_unique<AlarmTask>(s, critical);
             }}};
  }

 private:
  int units_;
  int sleep_ms_;
  std::string fail_;
  bool critical_;
  bool outputs_;
};

}  // namespace

std::unique_ptr<core::Pipeline> make_pipeline(const std::map<std::string, std::string>& env) {
  if (env_or(env, "FERRY_SELFTEST", "") != "1") return nullptr;
  return std::make_unique<SelftestPipeline>(env);
}

}  // namespace ferry::selftest
