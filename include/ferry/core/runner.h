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
  std::string state_full;    // the state's disk was full: the run stopped (the error's text)
  bool failed() const {
    return counts.units_failed > 0 || counts.jobs_failed > 0 || !state_full.empty();
  }
  std::string outcome() const;
};

class Runner {
 public:
  // `services.run_id` is filled in by run(). `dispatcher` may be null (no mail).
  Runner(const Registry& registry, Services& services, log::AlertDispatcher* dispatcher,
         RunOptions options);

  // Records a runs row, recovers jobs and runs a crashed process left `running`, does the
  // work, flushes alerts, closes the runs row. Unexpected exceptions from one task or job are
  // caught, logged, alerted and counted; they do not stop the rest of the run. A full state
  // disk does: nothing is counted as failed, the job it stopped goes back to the queue when that
  // can still be written, alerts are not mailed, and the report's state_full says why; every
  // line logged says only what was written. Throws when the runs row cannot be begun (a full
  // disk as state::StateFullError).
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
  // Ends a task's pass that failed: a permanent failure, or transient ones in
  // job_attempts passes in a row, raise an alert; the pass is tried again next run.
  void task_failed(const TaskKind& kind, const Failure& failure);
  // When the state's disk was found full, a failure is (or follows from) that: nothing is
  // counted, `job` (when given) is put back in the queue if that can still be written, and
  // state::StateFullError is thrown to stop the run. Otherwise does nothing.
  void stop_if_state_full(const state::Job* job);
  // Closes the runs row (saying when that could not be written) and logs the run's end.
  void end_run(state::RunStore& runs);

  const Registry& registry_;
  Services& services_;
  log::AlertDispatcher* dispatcher_;
  RunOptions options_;
  RunReport report_;
};

}  // namespace core
}  // namespace ferry
