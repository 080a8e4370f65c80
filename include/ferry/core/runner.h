// The cron tick: scheduled tasks that are due, then queued jobs in turn (one unit of each, in
// id order, round after round), within the run's time budget; then the alert outbox. The caller
// holds the run lock.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ferry/core/registry.h"
#include "ferry/state/jobs.h"
#include "ferry/state/leases.h"
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
  std::string host = "";     // recorded with the run (run.host, else the hostname)
  // Several hosts may run ticks on this state (PostgreSQL): the run holds a lease of `lease`,
  // renewed from a thread of its own, and claims each scheduled task before its pass; earlier
  // runs are taken for dead when they are this host's or their lease passed (state/leases.h).
  bool shared = false;
  std::chrono::seconds lease{60};
};

struct RunReport {
  int64_t run_id = 0;
  state::RunCounts counts;
  state::RunTotals totals;   // added to the cumulative counters with the run's end
  bool interrupted = false;  // the budget ran out with work left, or a stop was requested
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
  // work, flushes alerts, closes the runs row. After a stop request (base/interrupt.h) no unit
  // starts, the alert outbox waits for the next run, and the run ends `interrupted` (unless
  // work failed) with a note naming the signal. Unexpected exceptions from one task or job are
  // caught, logged, alerted and counted; they do not stop the rest of the run. A state file
  // locked by another program past its busy timeout interrupts the unit (its job is queued
  // again, no failure counted); when even that cannot be written, the run stops: its id is
  // left in state::UnrecordedRuns for the next run and the StateError (locked) is thrown.
  // A broken state file (StateError, broken) stops the run and is thrown. A full state disk
  // stops it too: nothing is counted as failed, the job it stopped goes back to the queue when
  // that can still be written, alerts are not mailed, and the report's state_full says why;
  // every line logged says only what was written. Throws when the runs row cannot be begun (a
  // full disk as state::StateFullError).
  RunReport run();

 private:
  RunReport run_all();
  // Begins the runs row (with its lease on a shared state) and, on a shared state, the thread
  // that renews the lease; a lost lease requests a stop.
  std::unique_ptr<state::LeaseKeeper> begin_run(state::RunStore& runs);
  // Whether `job` (as just read) is running under another run: this run's lease ran out and
  // another host took it over. Logs that the job is left to it. Never for a kind with
  // independent units, which several runs work on at once.
  bool taken_over(const state::Job& job) const;
  // Whether the units of jobs of this kind are independent (JobKind::independent_units).
  bool independent(const std::string& job_kind) const;
  // The job store that changes jobs of this kind for this run (state::JobStore's units_shared).
  state::JobStore jobs_for(const std::string& job_kind) const;
  // The Failure an exception from a task or job stands for; rethrows a broken state.
  Failure failure_of(const std::exception& e);
  void recover_orphans();
  void run_tasks();
  void run_task(const TaskKind& kind);
  // A job taken up in this run, with the handler that keeps its state between its units.
  struct ActiveJob {
    state::Job job;
    const JobKind* kind = nullptr;
    std::unique_ptr<JobHandler> handler;
    int units = 0;        // done by this start
    bool joined = false;  // another run started it (independent units; join)
    int failures = 0;     // the job's failure count before this run's latest unit of it
  };
  // Round-robin over the runnable jobs: each round does one unit of every job in progress, then
  // takes up the queued jobs not yet seen in this run (oldest first), one unit each. A long
  // backfill thus never keeps a short job queued behind it waiting for a later run. On a shared
  // state, running jobs of other runs whose units are independent are joined the same way.
  void run_jobs();
  // Why a run could not write to the state: "the state file stayed locked" (or, on
  // PostgreSQL, busy or cut off), for the log.
  std::string busy_state() const;
  // A job with independent units this run works on that the run leading it sent back to the
  // queue on leaving it (a stop, not a failure or a wait) while this run was between two of its
  // units: this run starts it (JobStore::start) and goes on. False when that is not so or
  // another run started it first.
  bool take_up_left(ActiveJob& a, const state::Job& current);
  // Starts a queued job (queued → running) and makes its handler; nullopt when it is not
  // runnable (no longer queued, or a kind this build lacks: then failed).
  std::optional<ActiveJob> take_up(state::Job job);
  // Works on running job `job` (of a kind with independent units) along with the run that
  // started it: a handler, no change to the job. nullopt (logged) when no handler can be made.
  std::optional<ActiveJob> join(state::Job job);
  // Stops working on a job with independent units (state::JobStore::leave), logging `why` and
  // what became of the job.
  void leave(const ActiveJob& a, const std::string& why);
  // One unit of `a`. True when the job has more units to do in this run.
  bool step_job(ActiveJob& a);
  bool step_job_unguarded(ActiveJob& a);
  // Ends a unit that failed: a job cancelled meanwhile stops (and is cleaned up), any other
  // goes to job_failed.
  void unit_failed(ActiveJob& a, const Failure& failure);
  // Ends a job found cancelled: its handler is destroyed, then its kind cleans up.
  void stop_cancelled(ActiveJob& a, const state::Job& current);
  // The budget is spent: every job in progress goes back to queued at its checkpoint.
  void pause_jobs(std::vector<ActiveJob>& active);
  // Ends a start whose step asked to wait: back to queued until `until`; the attempt is taken
  // back when `uncount_attempt` (the start did no unit).
  void job_waits(const state::Job& job, TimePoint until, bool uncount_attempt);
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
  // When the state's disk was found full, a failure is (or follows from) that: nothing is
  // counted, `job` (when given) is put back in the queue if that can still be written, and
  // state::StateFullError is thrown to stop the run. Otherwise does nothing.
  void stop_if_state_full(const state::Job* job);
  // Closes the runs row (saying when that could not be written) and logs the run's end.
  void end_run(state::RunStore& runs);
  // The pipeline a job kind belongs to (the kind's own name when it has none).
  const std::string& pipeline_of(const std::string& job_kind) const;
  // Counts in the run's totals the rows and uploaded bytes of the outputs `after` has beyond
  // those of `before` (the same job before and after a unit).
  void count_outputs(const state::Job& before, const state::Job& after);

  const Registry& registry_;
  Services& services_;
  log::AlertDispatcher* dispatcher_;
  RunOptions options_;
  RunReport report_;
};

}  // namespace core
}  // namespace ferry
