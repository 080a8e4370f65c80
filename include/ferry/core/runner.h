// The cron tick: scheduled tasks that are due, then queued jobs oldest first, within the run's
// time budget; then the alert outbox. The caller holds the run lock.
#pragma once

#include <set>
#include <string>

#include "ferry/core/registry.h"
#include "ferry/state/runs.h"

namespace ferry {
namespace log {
class AlertDispatcher;
}
namespace core {

struct RunOptions {
  int job_attempts = 3;      // failed tries before a job fails
  std::string only_task;     // run just this scheduled task ("" = all due ones)
  bool jobs = true;          // process queued jobs
  bool force_tasks = false;  // run tasks even when not due (manual `ferry export`)
  TaskArgs task_args;        // given to only_task's make (a command's arguments)
};

struct RunReport {
  int64_t run_id = 0;
  state::RunCounts counts;
  bool interrupted = false;  // the budget ran out with work left
  bool failed() const { return counts.units_failed > 0 || counts.jobs_failed > 0; }
  std::string outcome() const;
};

class Runner {
 public:
  // `services.run_id` is filled in by run(). `dispatcher` may be null (no mail).
  Runner(const Registry& registry, Services& services, log::AlertDispatcher* dispatcher,
         RunOptions options);

  // Records a runs row, recovers jobs and runs a crashed process left `running`, does the
  // work, flushes alerts, closes the runs row. Unexpected exceptions from one task or job are
  // caught, logged, alerted and counted; they do not stop the rest of the run. A state file
  // locked by another program past its busy timeout interrupts the unit (its job is queued
  // again, no failure counted); when even that cannot be written, the run stops: its id is
  // left in state::UnrecordedRuns for the next run and the StateError (locked) is thrown.
  // A broken state file (StateError, broken) stops the run and is thrown.
  RunReport run();

 private:
  RunReport run_all();
  // The Failure an exception from a task or job stands for; rethrows a broken state.
  Failure failure_of(const std::exception& e);
  void recover_orphans();
  void run_tasks();
  void run_task(const TaskKind& kind);
  void run_jobs();
  void run_job(state::Job job);
  // Ends a start whose step asked to wait: back to queued until `until`; the attempt is taken
  // back when the start did no unit (`units` == 0).
  void job_waits(const state::Job& job, TimePoint until, int units);
  // Ends a try that failed: requeue (transient, tries left) or fail and alert.
  void job_failed(const state::Job& job, const Failure& failure);
  // Ends a task's pass that failed: a permanent failure, or transient ones in
  // job_attempts passes in a row, raise an alert; the pass is tried again next run.
  void task_failed(const TaskKind& kind, const Failure& failure);

  const Registry& registry_;
  Services& services_;
  log::AlertDispatcher* dispatcher_;
  RunOptions options_;
  RunReport report_;
};

}  // namespace core
}  // namespace ferry
