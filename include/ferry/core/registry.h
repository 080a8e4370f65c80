// The work the runner knows: job kinds (queued date-range work) and scheduled tasks (work that
// is due by time), as pipelines give them through core::Pipeline (pipeline.h). The runner knows
// nothing else about pipelines.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/clock.h"
#include "ferry/base/error.h"
#include "ferry/base/time.h"

namespace ferry {
namespace config {
class Config;
class ConfigSchema;
}  // namespace config
namespace state {
class Store;
struct Job;
}  // namespace state
namespace net {
class HttpClient;
class ObjectStore;
}  // namespace net
namespace log {
class AlertSink;
}
namespace io {
class Env;
}

namespace core {

// What a pipeline is given; everything with a side effect is an interface.
struct Services {
  const config::Config& config;
  state::Store& store;
  net::HttpClient& http;
  log::AlertSink& alerts;
  TimePoint now;      // the run's logical now, read once: what is due, which dates (FERRY_NOW)
  const Clock& wall;  // the wall clock: timestamps, link expiry, durations (never pinned)
  const Budget& budget;
  int64_t run_id = 0;
  // Opens the configured `[s3.NAME]` target. Throws UsageError for an unknown target.
  std::function<std::unique_ptr<net::ObjectStore>(const std::string& target)> object_store;
  io::Env& env;  // every durable file write of a pipeline goes through it
};

// kWait: the next unit cannot be done yet (its data is not final before `until`, in the
// run's logical time). Only job steps may return it. kLeave: no unit is free for this run, the
// rest being held by other runs (jobs whose units are independent only).
enum class StepStatus { kDone, kMore, kFailed, kWait, kLeave };

struct StepResult {
  StepStatus status = StepStatus::kDone;
  Failure failure;
  TimePoint until{};  // kWait only: when the next unit can be done
  static StepResult done() { return {StepStatus::kDone, {}, {}}; }
  static StepResult more() { return {StepStatus::kMore, {}, {}}; }
  static StepResult failed(Failure f) { return {StepStatus::kFailed, std::move(f), {}}; }
  static StepResult wait_until(TimePoint t) { return {StepStatus::kWait, {}, t}; }
  static StepResult leave() { return {StepStatus::kLeave, {}, {}}; }
};

class JobHandler {
 public:
  virtual ~JobHandler() = default;
  // Performs the next checkpointable unit of `job` (status running; checkpoint and progress
  // current), committing its output and checkpoint through JobStore::commit_unit. Returns
  // kMore while units remain, kDone when the job is complete, kFailed with a one-line reason,
  // kWait (StepResult::wait_until) when the next unit must not be done before a later time:
  // the runner puts the job back to `queued` with `not_before` set, keeping its checkpoint and
  // progress, counting no failure (and no attempt when this start did no unit), and starts it
  // again only once Services::now has reached that time. A kind with independent units commits
  // through step_free_unit (units.h) instead, and may return kLeave. Expected failures are
  // returned, not thrown.
  virtual StepResult step(state::Job& job) = 0;
};

class ScheduledTask {
 public:
  virtual ~ScheduledTask() = default;
  // Whether a pass is due, given when the last pass completed (nullopt: never).
  virtual bool due(std::optional<TimePoint> last_done) = 0;
  // One unit of the pass; kDone when the pass is complete.
  virtual StepResult step() = 0;
};

// An option `ferry queue KIND` takes for a kind besides --from/--to: `site` gives `--site VALUE`.
struct QueueOption {
  std::string name;  // without dashes
  std::string help;
};

// The option values `ferry queue` was given for a kind (name -> value; only options given).
using QueueValues = std::map<std::string, std::string>;

struct JobKind {
  std::string name;     // `cake-clicks`
  std::string summary;  // one line for `ferry queue --help`
  std::function<std::unique_ptr<JobHandler>(Services&)> make;
  // Optional. Removes what a cancelled job leaves that only it could use (e.g. a partial file),
  // when no process works on the job any more: the runner calls it when it stops a job it found
  // cancelled after a unit (its handler already destroyed), and `ferry cancel` when the job it
  // cancelled was queued. A later `ferry retry` must still work (from the start if need be).
  // Expected problems are logged, not thrown.
  std::function<void(const config::Config&, io::Env&, const state::Job&)> on_cancel = {};
  // Optional. The options `ferry queue` takes for this kind (it refuses the others), and what
  // turns their values into the params of the jobs to queue: one JSON object text per job (one
  // per site, say). Throws UsageError for a missing or bad value. Without it, one job with
  // params `{}`.
  std::vector<QueueOption> queue_options = {};
  std::function<std::vector<std::string>(const config::Config&, const QueueValues&)> queue_params =
      {};
  // Each unit is its own output, so units may be done in any order and by several runs at once
  // (hosts sharing a PostgreSQL state), each unit once: the handler's step does one unit it
  // claims through step_free_unit (units.h). False: units follow one another on one run.
  bool independent_units = false;
  // The pipeline that gives the kind (Pipeline::name()); set by make_registry.
  std::string pipeline = {};
};

// Arguments a command gives a task it runs now (`ferry export mindtrails --server prod` gives
// {"server": "prod"}); empty under cron.
using TaskArgs = std::map<std::string, std::string>;

struct TaskKind {
  std::string name;  // `mindtrails`
  std::string summary;
  // Throws UsageError for an argument the task does not take or a value it rejects.
  std::function<std::unique_ptr<ScheduledTask>(Services&, const TaskArgs&)> make;
  // The task claims each stream it works on itself (StreamClaim, streams.h: a MindTrails server),
  // so hosts sharing a PostgreSQL state work different streams of it at once; the runner then
  // takes no claim on the whole task. False: one run at a time works the task (`task:NAME`).
  bool claims_streams = false;
  // The pipeline that gives the task (Pipeline::name()); set by make_registry.
  std::string pipeline = {};
};

class Registry {
 public:
  // Throws std::logic_error for a duplicate name.
  void add_job_kind(JobKind kind);
  void add_task(TaskKind task);
  const JobKind* find_job_kind(const std::string& name) const;
  const std::vector<JobKind>& job_kinds() const { return job_kinds_; }
  const std::vector<TaskKind>& tasks() const { return tasks_; }

 private:
  std::vector<JobKind> job_kinds_;
  std::vector<TaskKind> tasks_;
};

// Declares the keys the core owns: [state], [log], [alerts], [run], [status], [metrics], [http],
// [heartbeat], [doctor].
void declare_core_config(config::ConfigSchema& schema);

}  // namespace core
}  // namespace ferry
