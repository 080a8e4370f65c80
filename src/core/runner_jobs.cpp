// The runner's queued jobs: taken up (or, on a shared state, joined when their units are
// independent), stepped round after round, paused when the budget is spent. Members of Runner
// (runner.h); what happens with a unit's outcome is in runner_outcomes.cpp.
#include <spdlog/spdlog.h>

#include <set>

#include "ferry/core/runner.h"
#include "ferry/log/logging.h"
#include "ferry/state/jobs.h"

namespace ferry::core {

bool Runner::independent(const std::string& job_kind) const {
  const JobKind* kind = registry_.find_job_kind(job_kind);
  return kind != nullptr && kind->independent_units;
}

state::JobStore Runner::jobs_for(const std::string& job_kind) const {
  return state::JobStore(services_.store, independent(job_kind));
}

bool Runner::taken_over(const state::Job& job) const {
  // Several runs work on a job with independent units; a unit taken over throws LeaseLost.
  if (independent(job.kind)) return false;
  if (job.status != state::JobStatus::kRunning || job.run_id == report_.run_id) return false;
  spdlog::warn("job {} ({}): taken over by run {} after this run's lease ran out; left to it",
               job.id, job.kind, job.run_id);
  return true;
}

void Runner::run_jobs() {
  state::JobStore jobs(services_.store);
  std::vector<ActiveJob> active;  // in progress, in id order
  int64_t last = 0;               // the highest id taken up in this run
  int64_t last_joined = 0;        // the highest id of a running job looked at to join
  std::set<int64_t> seen;         // taken up or joined in this run
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
      // A job this run joined that is queued now was sent back after a failure or a wait of
      // another run: not tried again in this run, as if this run had failed it.
      if (seen.count(job->id)) continue;
      auto taken = take_up(std::move(*job));
      if (!taken) continue;  // another host may have started it just now: it may be joined
      seen.insert(taken->job.id);
      if (step_job(*taken)) next.push_back(std::move(*taken));
    }
    // On a shared state, jobs other hosts work on whose units are independent are joined.
    while (options_.shared) {
      auto job = jobs.next_running(last_joined);
      if (!job) break;
      last_joined = job->id;
      if (!independent(job->kind) || !seen.insert(job->id).second) continue;
      if (!services_.budget.can_start_unit()) {
        pause_jobs(next);
        return;
      }
      auto joined = join(std::move(*job));
      if (joined && step_job(*joined)) next.push_back(std::move(*joined));
    }
    if (next.empty()) return;
    active = std::move(next);
  }
}

void Runner::pause_jobs(std::vector<ActiveJob>& active) {
  report_.interrupted = true;
  for (auto& a : active) {
    state::JobStore jobs = jobs_for(a.job.kind);
    auto current = jobs.get(a.job.id);  // cancelled while other jobs had their turn?
    if (current->status == state::JobStatus::kCancelled) {
      stop_cancelled(a, *current);
      continue;
    }
    if (a.kind->independent_units) {
      leave(a, stop_cause());
      continue;
    }
    jobs.finish(a.job.id, state::JobStatus::kQueued, "", services_.wall.now());
    spdlog::info("job {}: {} at {}/{}; continuing next run", a.job.id, stop_cause(),
                 a.job.progress_done, a.job.progress_total);
  }
  spdlog::info("{}; queued jobs continue next run", stop_cause());
}

void Runner::leave(const ActiveJob& a, const std::string& why) {
  state::Left left = jobs_for(a.job.kind).leave(a.job.id, services_.wall.now());
  if (left == state::Left::kSucceeded) {
    ++report_.counts.jobs_finished;
    spdlog::info("job {} ({}) succeeded", a.job.id, a.job.kind);
    return;
  }
  const char* what = left == state::Left::kQueued       ? "queued again at its checkpoint"
                     : left == state::Left::kHandedOver ? "left to another run working on it"
                                                        : "left to the run that started it";
  spdlog::info("job {} ({}): {}; {}", a.job.id, a.job.kind, why, what);
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
  ActiveJob a{*jobs.get(job.id), kind, nullptr, 0, false};
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

std::optional<Runner::ActiveJob> Runner::join(state::Job job) {
  const JobKind* kind = registry_.find_job_kind(job.kind);
  log::PipelineScope scope(kind->pipeline);
  ActiveJob a{std::move(job), kind, nullptr, 0, true};
  try {
    a.handler = kind->make(services_);
  } catch (const std::exception& e) {
    // Its own run goes on with it; this one only logs why it cannot help.
    spdlog::warn("job {} ({}): not joined: {}", a.job.id, a.job.kind, failure_of(e).message);
    return std::nullopt;
  }
  spdlog::info("job {} ({}) joined at {}/{}: run {} works on it too", a.job.id, a.job.kind,
               a.job.progress_done, a.job.progress_total, a.job.run_id);
  return a;
}

bool Runner::step_job(ActiveJob& a) {
  log::PipelineScope scope(a.kind->pipeline);
  try {
    return step_job_unguarded(a);
  } catch (const state::LeaseLost& e) {
    spdlog::warn("job {} ({}): {}", a.job.id, a.job.kind, e.what());
  } catch (const std::exception& e) {
    unit_failed(a, failure_of(e));
  }
  return false;
}

void Runner::unit_failed(ActiveJob& a, const Failure& failure) {
  auto current = jobs_for(a.job.kind).get(a.job.id);
  if (taken_over(*current)) return;
  if (current->status == state::JobStatus::kCancelled) return stop_cancelled(a, *current);
  if (!failure.is_interrupted()) ++report_.counts.units_failed;
  job_failed(*current, failure);
}

bool Runner::step_job_unguarded(ActiveJob& a) {
  state::JobStore jobs = jobs_for(a.job.kind);
  auto before = jobs.get(a.job.id);  // `ferry cancel` may have come since its last unit
  if (before->status == state::JobStatus::kCancelled) {
    stop_cancelled(a, *before);
    return false;
  }
  if (taken_over(*before)) return false;
  if (before->status != state::JobStatus::kRunning) {
    if (!take_up_left(a, *before)) {
      // Another run working on it too sent it back to the queue (a failure, a wait) or ended it.
      spdlog::info("job {} ({}) is {} now; this run stops working on it", a.job.id, a.job.kind,
                   state::status_word(before->status));
      return false;
    }
    before = jobs.get(a.job.id);
  }
  a.job = *before;
  a.failures = before->failures;
  StepResult r = a.handler->step(a.job);
  if (r.status == StepStatus::kFailed) {
    unit_failed(a, r.failure);
    return false;
  }
  if (r.status == StepStatus::kLeave) {
    leave(a, "the rest of its units are held by other runs");
    return false;
  }
  auto current = jobs.get(a.job.id);
  count_outputs(*before, *current);
  // A job whose last unit another run did ends here with no unit done.
  const bool did_unit =
      r.status == StepStatus::kMore ||
      (r.status == StepStatus::kDone &&
       (!a.kind->independent_units || current->progress_done != before->progress_done));
  if (did_unit) {
    ++report_.counts.units_done;
    ++report_.totals.units[pipeline_of(a.job.kind)];
    ++a.units;
  }
  if (current->status == state::JobStatus::kCancelled) {
    stop_cancelled(a, *current);
    return false;
  }
  if (r.status == StepStatus::kWait) {
    job_waits(*current, r.until, a.units == 0 && !a.joined);
    return false;
  }
  a.job = std::move(*current);
  if (r.status == StepStatus::kDone) {
    // With independent units another run may have ended it first.
    if (jobs.finish(a.job.id, state::JobStatus::kSucceeded, "", services_.wall.now())) {
      ++report_.counts.jobs_finished;
      spdlog::info("job {} ({}) succeeded", a.job.id, a.job.kind);
    }
    return false;
  }
  return true;
}

bool Runner::take_up_left(ActiveJob& a, const state::Job& current) {
  // Left to the queue by the run leading it while this one was between two units: not a
  // failure (failures unchanged) nor a wait (no not_before).
  if (!a.kind->independent_units || current.status != state::JobStatus::kQueued ||
      !current.not_before.empty() || current.failures != a.failures)
    return false;
  if (!state::JobStore(services_.store).start(a.job.id, report_.run_id, services_.wall.now()))
    return false;
  spdlog::info("job {} ({}): left to the queue by run {}; this run takes it up at {}/{}", a.job.id,
               a.job.kind, a.job.run_id, current.progress_done, current.progress_total);
  a.joined = false;
  a.units = 0;
  return true;
}

void Runner::stop_cancelled(ActiveJob& a, const state::Job& current) {
  spdlog::info("job {} was cancelled; stopping", current.id);
  a.handler.reset();
  if (a.kind->on_cancel) a.kind->on_cancel(services_.config, services_.env, current);
}

}  // namespace ferry::core
