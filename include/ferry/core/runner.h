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
  int job_crashes = 10;      // runs that died while a job ran before the job fails
};

struct RunReport {
  int64_t run_id = 0;
  state::RunCounts counts;
  bool interrupted = false;  // the budget ran out with work left, or a stop was requested
  bool failed() const { return counts.units_failed > 0 || counts.jobs_failed > 0; }
  std::string outcome() const;
};

class Runner {
 public:
  // `services.run_id` is filled in by run(). `dispatcher` may be null (no mail).
  Runner(const Registry& registry, Services& services, log::AlertDispatcher* dispatcher,
         RunOptions options);

  // Records a runs row, recovers jobs and runs a crashed process left `running`, does the
  // work, flushes alerts, closes the runs row. After a stop request (base/interrupt.h) no unit
  // starts, the alert outbox waits for the next run, and the run ends `interrupted` (unless
  // work failed) with a note naming the signal. Unexpected exceptions from one task or job are
  // caught, logged, alerted and counted; they do not stop the rest of the run.
  RunReport run();

 private:
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
  // A job found `running` from a run that died: requeue (crashes left, run.job_crashes) or fail
  // and alert.
  void job_crashed(const state::Job& job);
  // Fails a job for good and raises its alert.
  void job_gave_up(const state::Job& job, const std::string& reason);
  // Why no new unit starts: the stop request or the spent budget, for logs and the run's note.
  std::string stop_cause() const;
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
