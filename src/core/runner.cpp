#include "ferry/core/runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "ferry/base/interrupt.h"
#include "ferry/log/alerts.h"
#include "ferry/log/logging.h"
#include "ferry/state/jobs.h"

namespace ferry::core {
namespace {

// A scheduled task's claim on a shared state, given up when the pass ends however it ends.
class TaskClaim {
 public:
  TaskClaim(state::Store& store, std::string name, int64_t run_id)
      : claims_(store), name_(std::move(name)), run_id_(run_id) {}
  bool take(TimePoint now) { return held_ = claims_.claim(name_, run_id_, now); }
  ~TaskClaim() {
    if (!held_) return;
    try {
      claims_.release(name_, run_id_);
    } catch (const std::exception& e) {
      // It lapses with the run's lease (or its end) anyway.
      spdlog::warn("{}: its claim stays until this run ends: {}", name_, e.what());
    }
  }
  TaskClaim(const TaskClaim&) = delete;
  TaskClaim& operator=(const TaskClaim&) = delete;

 private:
  state::ClaimStore claims_;
  std::string name_;
  int64_t run_id_;
  bool held_ = false;
};

}  // namespace

std::string RunReport::outcome() const {
  if (failed()) return "failed";
  return interrupted ? "interrupted" : "ok";
}

Runner::Runner(const Registry& registry, Services& services, log::AlertDispatcher* dispatcher,
               RunOptions options)
    : registry_(registry), services_(services), dispatcher_(dispatcher), options_(options) {}

RunReport Runner::run() {
  // Once the run is over the store no longer works as it (see Store::hold_leases_as).
  struct Release {
    state::Store& store;
    ~Release() { store.hold_leases_as(0); }
  } release{services_.store};
  try {
    return run_all();
  } catch (const std::exception& e) {
    auto se = services_.store.error_of(e);
    if (!se || !se->locked() || report_.run_id == 0) throw;
    // Nothing more can be written to the state: leave word beside it so that the next run
    // queues this run's jobs again with no failure counted instead of taking it for a crash.
    state::UnrecordedRuns(services_.store).add(report_.run_id);
    spdlog::warn(
        "run {} stopped: the state file stayed locked; the next run queues its jobs "
        "again with no failure counted",
        report_.run_id);
    throw *se;
  }
}

std::unique_ptr<state::LeaseKeeper> Runner::begin_run(state::RunStore& runs) {
  const TimePoint wall = services_.wall.now();
  std::optional<TimePoint> lease;
  if (options_.shared) lease = wall + options_.lease;
  report_.run_id = runs.begin(wall, ::getpid(), options_.host, lease);
  services_.store.hold_leases_as(report_.run_id);
  if (!options_.shared) return nullptr;
  const Clock& clock = services_.wall;
  state::Store& store = services_.store;
  return std::make_unique<state::LeaseKeeper>(
      [&store] { return store.connect_again(); }, report_.run_id, options_.lease,
      [&clock] { return clock.now(); },
      [](const std::string& why) {
        spdlog::error("{}; stopping: what it held is another run's now", why);
        request_stop(0);
      });
}

bool Runner::taken_over(const state::Job& job) const {
  if (job.status != state::JobStatus::kRunning || job.run_id == report_.run_id) return false;
  spdlog::warn("job {} ({}): taken over by run {} after this run's lease ran out; left to it",
               job.id, job.kind, job.run_id);
  return true;
}

RunReport Runner::run_all() {
  state::RunStore runs(services_.store);
  auto keeper = begin_run(runs);
  services_.run_id = report_.run_id;
  log::set_current_run_id(report_.run_id);
  spdlog::info("run {} started (clock {})", report_.run_id, format_iso8601(services_.now));
  try {
    recover_orphans();
    run_tasks();
    if (options_.jobs) run_jobs();
    if (stop_requested()) {
      report_.interrupted = true;
      if (dispatcher_) spdlog::info("{}: alert mail waits for the next run", stop_reason());
    } else if (dispatcher_) {
      auto flushed = dispatcher_->flush(services_.wall.now());
      report_.counts.alerts_sent = flushed.mails_sent;
    }
  } catch (const std::exception& e) {
    auto full = services_.store.disk_full_error(e);
    if (!full) throw;
    report_.state_full = full->what();
  }
  keeper.reset();  // before the run ends: a run no longer `running` takes its lease for lost
  end_run(runs);
  log::set_current_run_id(0);
  return report_;
}

void Runner::end_run(state::RunStore& runs) {
  std::string note = !report_.state_full.empty() ? "stopped: " + report_.state_full
                     : report_.interrupted       ? stop_cause() + "; the rest continues next run"
                                                 : "";
  if (!report_.state_full.empty())
    spdlog::error("run {} stopped: {}; alerts were not mailed", report_.run_id, report_.state_full);
  try {
    runs.end(report_.run_id, services_.wall.now(), report_.outcome(), report_.counts, note,
             report_.totals);
  } catch (const std::exception& e) {
    auto full = services_.store.disk_full_error(e);
    if (!full) throw;
    if (report_.state_full.empty()) report_.state_full = full->what();
    spdlog::error("run {}: its end could not be recorded ({}); the next run marks it crashed",
                  report_.run_id, full->what());
  }
  if (!report_.state_full.empty()) return;
  spdlog::info("run {} {}: {} units done, {} failed; {} jobs finished, {} failed; {} mails",
               report_.run_id, report_.outcome(), report_.counts.units_done,
               report_.counts.units_failed, report_.counts.jobs_finished,
               report_.counts.jobs_failed, report_.counts.alerts_sent);
}

void Runner::recover_orphans() {
  state::RunStore runs(services_.store);
  state::UnrecordedRuns unrecorded(services_.store);
  if (auto ids = unrecorded.ids(); !ids.empty()) {
    int n = runs.close_unrecorded(ids, services_.wall.now());
    unrecorded.clear();
    spdlog::info(
        "{} earlier run(s) stopped because the state file was locked; {} job(s) queued "
        "again with no failure counted",
        ids.size(), n);
  }
  std::optional<state::RunStore::Shared> shared;
  if (options_.shared) shared = state::RunStore::Shared{options_.host, services_.wall.now()};
  if (int n = runs.mark_crashed(report_.run_id, shared))
    spdlog::warn("{} earlier run(s) ended without finishing; marked crashed", n);
  state::JobStore jobs(services_.store);
  // Each orphan is handled by one run only, when hosts find it at once.
  for (const auto& job : jobs.orphaned())
    if (jobs.adopt(job.id, job.run_id, report_.run_id)) job_crashed(job);
}

std::string Runner::stop_cause() const {
  return stop_requested() ? stop_reason() : "time budget spent";
}

void Runner::run_tasks() {
  for (const auto& kind : registry_.tasks()) {
    if (!options_.only_task.empty() && kind.name != options_.only_task) continue;
    if (!services_.budget.can_start_unit()) {
      report_.interrupted = true;
      return;
    }
    log::PipelineScope scope(kind.pipeline);
    try {
      run_task(kind);
    } catch (const std::exception& e) {
      Failure f = failure_of(e);
      if (!f.is_interrupted()) ++report_.counts.units_failed;
      task_failed(kind, f);
    }
  }
}

void Runner::run_task(const TaskKind& kind) {
  state::ScheduleStore schedule(services_.store);
  auto task =
      kind.make(services_, options_.only_task == kind.name ? options_.task_args : TaskArgs{});
  if (!options_.force_tasks && !task->due(schedule.last_done(kind.name))) {
    spdlog::debug("{}: not due", kind.name);
    return;
  }
  std::optional<TaskClaim> claim;
  if (options_.shared) {
    claim.emplace(services_.store, "task:" + kind.name, report_.run_id);
    if (!claim->take(services_.wall.now())) {
      spdlog::info("{}: another host is working on it", kind.name);
      return;
    }
    // The pass another host just finished is not done twice.
    if (!options_.force_tasks && !task->due(schedule.last_done(kind.name))) return;
  }
  while (true) {
    if (!services_.budget.can_start_unit()) {
      report_.interrupted = true;
      spdlog::info("{}: {}; continuing next run", kind.name, stop_cause());
      return;
    }
    StepResult r = task->step();
    if (r.status == StepStatus::kWait) return;  // the pass is not complete; next run again
    if (r.status == StepStatus::kFailed) {
      if (!r.failure.is_interrupted()) ++report_.counts.units_failed;
      task_failed(kind, r.failure);
      return;
    }
    ++report_.counts.units_done;
    ++report_.totals.units[kind.pipeline.empty() ? kind.name : kind.pipeline];
    if (r.status == StepStatus::kDone) {
      schedule.set_done(kind.name, services_.now, report_.run_id);
      return;
    }
  }
}

void Runner::run_jobs() {
  state::JobStore jobs(services_.store);
  std::vector<ActiveJob> active;  // in progress, in id order
  int64_t last = 0;               // the highest id taken up in this run
  while (true) {
    std::vector<ActiveJob> next;
    for (size_t i = 0; i < active.size(); ++i) {
      if (!services_.budget.can_start_unit()) {
        next.insert(next.end(), std::make_move_iterator(active.begin() + i),
                    std::make_move_iterator(active.end()));
        pause_jobs(next);
        return;
      }
      if (step_job(active[i])) next.push_back(std::move(active[i]));
    }
    while (auto job = jobs.next_queued(last, services_.now)) {
      if (!services_.budget.can_start_unit()) {
        pause_jobs(next);
        return;
      }
      last = job->id;
      auto taken = take_up(std::move(*job));
      if (taken && step_job(*taken)) next.push_back(std::move(*taken));
    }
    if (next.empty()) return;
    active = std::move(next);
  }
}

void Runner::pause_jobs(std::vector<ActiveJob>& active) {
  report_.interrupted = true;
  state::JobStore jobs(services_.store);
  for (auto& a : active) {
    auto current = jobs.get(a.job.id);  // cancelled while other jobs had their turn?
    if (current->status == state::JobStatus::kCancelled) {
      stop_cancelled(a, *current);
      continue;
    }
    jobs.finish(a.job.id, state::JobStatus::kQueued, "", services_.wall.now());
    spdlog::info("job {}: {} at {}/{}; continuing next run", a.job.id, stop_cause(),
                 a.job.progress_done, a.job.progress_total);
  }
  spdlog::info("{}; queued jobs continue next run", stop_cause());
}

std::optional<Runner::ActiveJob> Runner::take_up(state::Job job) {
  state::JobStore jobs(services_.store);
  const JobKind* kind = registry_.find_job_kind(job.kind);
  if (!kind) {
    jobs.start(job.id, report_.run_id, services_.wall.now());
    job_failed(job,
               Failure::permanent("no pipeline in this build handles kind '" + job.kind + "'"));
    return std::nullopt;
  }
  if (!jobs.start(job.id, report_.run_id, services_.wall.now())) return std::nullopt;
  log::PipelineScope scope(kind->pipeline);
  ActiveJob a{*jobs.get(job.id), kind, nullptr, 0};
  spdlog::info("job {} ({} {}..{}) started at {}/{}", a.job.id, a.job.kind, a.job.from_date,
               a.job.to_date, a.job.progress_done, a.job.progress_total);
  try {
    a.handler = kind->make(services_);
  } catch (const std::exception& e) {
    job_failed(a.job, failure_of(e));
    return std::nullopt;
  }
  return a;
}

bool Runner::step_job(ActiveJob& a) {
  log::PipelineScope scope(a.kind->pipeline);
  try {
    return step_job_unguarded(a);
  } catch (const std::exception& e) {
    unit_failed(a, failure_of(e));
  }
  return false;
}

void Runner::unit_failed(ActiveJob& a, const Failure& failure) {
  auto current = state::JobStore(services_.store).get(a.job.id);
  if (taken_over(*current)) return;
  if (current->status == state::JobStatus::kCancelled) return stop_cancelled(a, *current);
  if (!failure.is_interrupted()) ++report_.counts.units_failed;
  job_failed(*current, failure);
}

bool Runner::step_job_unguarded(ActiveJob& a) {
  state::JobStore jobs(services_.store);
  auto before = jobs.get(a.job.id);  // `ferry cancel` may have come since its last unit
  if (before->status == state::JobStatus::kCancelled) {
    stop_cancelled(a, *before);
    return false;
  }
  if (taken_over(*before)) return false;
  a.job = *before;
  StepResult r = a.handler->step(a.job);
  if (r.status == StepStatus::kFailed) {
    unit_failed(a, r.failure);
    return false;
  }
  auto current = jobs.get(a.job.id);
  count_outputs(*before, *current);
  if (r.status != StepStatus::kWait) {
    ++report_.counts.units_done;
    ++report_.totals.units[pipeline_of(a.job.kind)];
    ++a.units;
  }
  if (current->status == state::JobStatus::kCancelled) {
    stop_cancelled(a, *current);
    return false;
  }
  if (r.status == StepStatus::kWait) {
    job_waits(*current, r.until, a.units);
    return false;
  }
  a.job = std::move(*current);
  if (r.status == StepStatus::kDone) {
    jobs.finish(a.job.id, state::JobStatus::kSucceeded, "", services_.wall.now());
    ++report_.counts.jobs_finished;
    spdlog::info("job {} ({}) succeeded", a.job.id, a.job.kind);
    return false;
  }
  return true;
}

void Runner::stop_cancelled(ActiveJob& a, const state::Job& current) {
  spdlog::info("job {} was cancelled; stopping", current.id);
  a.handler.reset();
  if (a.kind->on_cancel) a.kind->on_cancel(services_.config, services_.env, current);
}

}  // namespace ferry::core
