#include "ferry/core/runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "ferry/base/interrupt.h"
#include "ferry/log/alerts.h"
#include "ferry/state/jobs.h"

namespace ferry::core {

std::string RunReport::outcome() const {
  if (failed()) return "failed";
  return interrupted ? "interrupted" : "ok";
}

Runner::Runner(const Registry& registry, Services& services, log::AlertDispatcher* dispatcher,
               RunOptions options)
    : registry_(registry), services_(services), dispatcher_(dispatcher), options_(options) {}

RunReport Runner::run() {
  state::RunStore runs(services_.store);
  report_.run_id = runs.begin(services_.wall.now(), ::getpid());
  services_.run_id = report_.run_id;
  spdlog::info("run {} started (clock {})", report_.run_id, format_iso8601(services_.now));
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
  std::string note = report_.interrupted ? stop_cause() + "; the rest continues next run" : "";
  runs.end(report_.run_id, services_.wall.now(), report_.outcome(), report_.counts, note);
  spdlog::info("run {} {}: {} units done, {} failed; {} jobs finished, {} failed; {} mails",
               report_.run_id, report_.outcome(), report_.counts.units_done,
               report_.counts.units_failed, report_.counts.jobs_finished,
               report_.counts.jobs_failed, report_.counts.alerts_sent);
  return report_;
}

void Runner::recover_orphans() {
  state::RunStore runs(services_.store);
  if (int n = runs.mark_crashed(report_.run_id))
    spdlog::warn("{} earlier run(s) ended without finishing; marked crashed", n);
  state::JobStore jobs(services_.store);
  for (const auto& job : jobs.running()) job_crashed(job);
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
    try {
      run_task(kind);
    } catch (const OperationError& e) {
      if (!e.failure().is_interrupted()) ++report_.counts.units_failed;
      task_failed(kind, e.failure());
    } catch (const std::exception& e) {
      ++report_.counts.units_failed;
      task_failed(kind, Failure::permanent(std::string("unexpected error: ") + e.what()));
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
    if (r.status == StepStatus::kDone) {
      schedule.set_done(kind.name, services_.now, report_.run_id);
      return;
    }
  }
}

void Runner::run_jobs() {
  state::JobStore jobs(services_.store);
  int64_t last = 0;
  while (auto job = jobs.next_queued(last, services_.now)) {
    if (!services_.budget.can_start_unit()) {
      report_.interrupted = true;
      spdlog::info("{}; queued jobs continue next run", stop_cause());
      return;
    }
    last = job->id;
    try {
      run_job(std::move(*job));
    } catch (const OperationError& e) {
      job_failed(*jobs.get(last), e.failure());
    } catch (const std::exception& e) {
      job_failed(*jobs.get(last), Failure::permanent(std::string("unexpected error: ") + e.what()));
    }
  }
}

void Runner::run_job(state::Job job) {
  state::JobStore jobs(services_.store);
  const JobKind* kind = registry_.find_job_kind(job.kind);
  if (!kind) {
    jobs.start(job.id, report_.run_id, services_.wall.now());
    job_failed(job,
               Failure::permanent("no pipeline in this build handles kind '" + job.kind + "'"));
    return;
  }
  if (!jobs.start(job.id, report_.run_id, services_.wall.now())) return;
  job = *jobs.get(job.id);
  spdlog::info("job {} ({} {}..{}) started at {}/{}", job.id, job.kind, job.from_date, job.to_date,
               job.progress_done, job.progress_total);
  auto handler = kind->make(services_);
  int units = 0;  // done by this start
  while (true) {
    if (!services_.budget.can_start_unit()) {
      jobs.finish(job.id, state::JobStatus::kQueued, "", services_.wall.now());
      report_.interrupted = true;
      spdlog::info("job {}: {} at {}/{}; continuing next run", job.id, stop_cause(),
                   job.progress_done, job.progress_total);
      return;
    }
    StepResult r = handler->step(job);
    auto current = jobs.get(job.id);
    if (r.status == StepStatus::kFailed) {
      if (!r.failure.is_interrupted()) ++report_.counts.units_failed;
      job_failed(*current, r.failure);
      return;
    }
    if (r.status == StepStatus::kWait) {
      job_waits(*current, r.until, units);
      return;
    }
    ++report_.counts.units_done;
    ++units;
    if (current->status == state::JobStatus::kCancelled) {
      spdlog::info("job {} was cancelled; stopping", job.id);
      handler.reset();
      if (kind->on_cancel) kind->on_cancel(services_.config, services_.env, *current);
      return;
    }
    job = std::move(*current);
    if (r.status == StepStatus::kDone) {
      jobs.finish(job.id, state::JobStatus::kSucceeded, "", services_.wall.now());
      ++report_.counts.jobs_finished;
      spdlog::info("job {} ({}) succeeded", job.id, job.kind);
      return;
    }
  }
}

void Runner::job_waits(const state::Job& job, TimePoint until, int units) {
  state::JobStore jobs(services_.store);
  if (!jobs.wait(job.id, until, units == 0, services_.wall.now())) {
    spdlog::info("job {} was cancelled; stopping", job.id);
    return;
  }
  spdlog::info("job {} ({}): waiting until {} for final data, at {}/{}", job.id, job.kind,
               format_iso8601(until), job.progress_done, job.progress_total);
}

void Runner::job_failed(const state::Job& job, const Failure& failure) {
  state::JobStore jobs(services_.store);
  if (failure.is_interrupted()) {
    jobs.finish(job.id, state::JobStatus::kQueued, "", services_.wall.now());
    report_.interrupted = true;
    spdlog::info("job {} ({}): {}; queued again at {}/{}, no failure counted", job.id, job.kind,
                 failure.message, job.progress_done, job.progress_total);
    return;
  }
  std::string reason = failure.message;
  if (failure.is_transient()) {
    int failures = jobs.add_failure(job.id, failure.message, services_.wall.now());
    if (failures < options_.job_attempts) {
      jobs.finish(job.id, state::JobStatus::kQueued, failure.message, services_.wall.now());
      spdlog::warn("job {} ({}): {} (failure {} of {}; queued again, resuming from its checkpoint)",
                   job.id, job.kind, failure.message, failures, options_.job_attempts);
      return;
    }
    reason = "gave up after " + std::to_string(failures) +
             (failures == 1 ? " failed try: " : " failed tries: ") + failure.message;
  }
  job_gave_up(job, reason);
}

void Runner::job_crashed(const state::Job& job) {
  state::JobStore jobs(services_.store);
  const std::string why = "its run ended while it was running";
  int crashes = jobs.add_crash(job.id, why, services_.wall.now());
  if (crashes < options_.job_crashes) {
    jobs.finish(job.id, state::JobStatus::kQueued, why, services_.wall.now());
    spdlog::warn("job {} ({}): {} (crash {} of {}; queued again, resuming from its checkpoint)",
                 job.id, job.kind, why, crashes, options_.job_crashes);
    return;
  }
  job_gave_up(job, "gave up after " + std::to_string(crashes) + " crashes: " + why);
}

void Runner::job_gave_up(const state::Job& job, const std::string& reason) {
  state::JobStore jobs(services_.store);
  jobs.finish(job.id, state::JobStatus::kFailed, reason, services_.wall.now());
  ++report_.counts.jobs_failed;
  spdlog::error("job {} ({}) failed: {}", job.id, job.kind, reason);
  services_.alerts.raise(job.kind + ":job:" + std::to_string(job.id),
                         "job " + std::to_string(job.id) + " (" + job.kind + ") failed",
                         reason + "\n\nFinished work is kept; `ferry retry " +
                             std::to_string(job.id) + "` continues from the checkpoint.");
}

}  // namespace ferry::core

namespace ferry::core {

void Runner::task_failed(const TaskKind& kind, const Failure& failure) {
  if (failure.is_interrupted()) {
    report_.interrupted = true;
    spdlog::info("{}: {}; the pass continues next run", kind.name, failure.message);
    return;
  }
  state::ScheduleStore schedule(services_.store);
  int in_a_row = schedule.add_failure(kind.name);
  // A pipeline's message may already start with its name (`mindtrails: prod: ...`).
  const std::string prefix = kind.name + ": ";
  const bool named = failure.message.compare(0, prefix.size(), prefix) == 0;
  spdlog::error("{}{} ({} pass{} in a row failed)", named ? "" : prefix, failure.message, in_a_row,
                in_a_row == 1 ? "" : "es");
  if (failure.is_transient() && in_a_row < options_.job_attempts) return;
  services_.alerts.raise(
      kind.name + ":task", kind.name + " failed",
      failure.message +
          (failure.is_transient() ? "\n\n" + std::to_string(in_a_row) + " passes in a row failed."
                                  : std::string()) +
          "\n\nThe task is tried again on every run.");
}

}  // namespace ferry::core
