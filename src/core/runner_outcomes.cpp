// What the runner does with an outcome: a failure classified, a job that waits, fails, crashed
// or is given up, a scheduled task that failed, outputs counted, and a run stopped by a full
// state disk. Members of Runner (runner.h); the run's loop is in runner.cpp.
#include <spdlog/spdlog.h>

#include "ferry/core/runner.h"
#include "ferry/log/alerts.h"
#include "ferry/log/logging.h"
#include "ferry/state/jobs.h"

namespace ferry::core {

Failure Runner::failure_of(const std::exception& e) {
  // A full disk stops the run in job_failed/task_failed (stop_if_state_full), failing nothing.
  if (auto full = services_.store.disk_full_error(e)) return full->failure();
  if (auto se = services_.store.error_of(e)) {
    // A broken state cannot record a failure either: the run stops and the caller reports it.
    if (se->broken()) throw *se;
    return se->failure();  // locked: interrupted, taken up again with no failure counted
  }
  if (auto* oe = dynamic_cast<const OperationError*>(&e)) return oe->failure();
  return Failure::permanent(std::string("unexpected error: ") + e.what());
}

void Runner::job_waits(const state::Job& job, TimePoint until, bool uncount_attempt) {
  state::JobStore jobs = jobs_for(job.kind);
  if (!jobs.wait(job.id, until, uncount_attempt, services_.wall.now())) {
    spdlog::info("job {} was cancelled; stopping", job.id);
    return;
  }
  spdlog::info("job {} ({}): waiting until {} for final data, at {}/{}", job.id, job.kind,
               format_iso8601(until), job.progress_done, job.progress_total);
}

void Runner::job_failed(const state::Job& job, const Failure& failure) {
  stop_if_state_full(&job);
  state::JobStore jobs = jobs_for(job.kind);
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
  state::JobStore jobs = jobs_for(job.kind);
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
  state::JobStore jobs = jobs_for(job.kind);
  jobs.finish(job.id, state::JobStatus::kFailed, reason, services_.wall.now());
  ++report_.counts.jobs_failed;
  ++report_.totals.job_failures[job.kind];
  spdlog::error("job {} ({}) failed: {}", job.id, job.kind, reason);
  services_.alerts.raise(job.kind + ":job:" + std::to_string(job.id),
                         "job " + std::to_string(job.id) + " (" + job.kind + ") failed",
                         reason + "\n\nFinished work is kept; `ferry retry " +
                             std::to_string(job.id) + "` continues from the checkpoint.");
}

const std::string& Runner::pipeline_of(const std::string& job_kind) const {
  const JobKind* kind = registry_.find_job_kind(job_kind);
  return kind == nullptr || kind->pipeline.empty() ? job_kind : kind->pipeline;
}

void Runner::count_outputs(const state::Job& before, const state::Job& after) {
  std::map<std::string, const state::JobOutput*> old;
  for (const auto& o : before.outputs) old[o.name] = &o;
  for (const auto& o : after.outputs) {
    auto it = old.find(o.name);
    const state::JobOutput* was = it == old.end() ? nullptr : it->second;
    int64_t rows = o.rows - (was ? was->rows : 0);
    if (rows > 0) report_.totals.rows[pipeline_of(after.kind)] += rows;
    const bool uploaded = !o.s3_key.empty() || !o.s3_object_key.empty();
    const bool was_uploaded = was && (!was->s3_key.empty() || !was->s3_object_key.empty());
    if (uploaded && (!was_uploaded || was->sha256 != o.sha256))
      report_.totals.bytes_uploaded += o.size;
  }
}

void Runner::task_failed(const TaskKind& kind, const Failure& failure) {
  stop_if_state_full(nullptr);
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

void Runner::stop_if_state_full(const state::Job* job) {
  const auto& full = services_.store.disk_full();
  if (!full) return;
  if (job) {
    try {
      if (jobs_for(job->kind).finish(job->id, state::JobStatus::kQueued, "", services_.wall.now()))
        spdlog::warn(
            "job {} ({}): stopped by the full state disk; queued again at {}/{}, no "
            "failure counted",
            job->id, job->kind, job->progress_done, job->progress_total);
    } catch (const std::exception& e) {
      if (!services_.store.disk_full_error(e)) throw;
      spdlog::error(
          "job {} ({}): stopped by the full state disk, which could not record that either: it "
          "stays 'running' and the next run resumes it from its last checkpoint",
          job->id, job->kind);
    }
  }
  throw *full;
}

}  // namespace ferry::core
