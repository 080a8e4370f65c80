#include "ferry/core/runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "ferry/base/interrupt.h"
#include "ferry/log/alerts.h"
#include "ferry/log/logging.h"
#include "ferry/state/jobs.h"
#include "ferry/state/leases.h"

namespace ferry::core {

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
        "run {} stopped: {}; the next run on this host queues its jobs again with no failure "
        "counted",
        report_.run_id, busy_state());
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

std::string Runner::busy_state() const {
  return services_.store.postgres() ? "the state database stayed busy or its connection was lost"
                                    : "the state file stayed locked";
}

void Runner::recover_orphans() {
  state::RunStore runs(services_.store);
  state::UnrecordedRuns unrecorded(services_.store);
  if (auto ids = unrecorded.ids(); !ids.empty()) {
    int n = runs.close_unrecorded(ids, services_.wall.now());
    unrecorded.clear();
    spdlog::info(
        "{} earlier run(s) stopped because {}; {} job(s) queued again with no failure counted",
        ids.size(), busy_state(), n);
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
  // A task that claims its own streams is worked by several hosts at once, each stream by one.
  std::optional<state::HeldClaim> claim;
  if (options_.shared && !kind.claims_streams) {
    claim.emplace(services_.store, "task:" + kind.name, report_.run_id, services_.wall.now());
    if (!claim->held()) {
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

}  // namespace ferry::core
