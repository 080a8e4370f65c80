// Pruning the state's history, so that a year of runs every five minutes costs the tick
// nothing: runs, their run_stats and sent alerts older than `state.keep_history`, and finished
// jobs (with their outputs) older than `state.keep_jobs`, in small batches.
#pragma once

#include <cstdint>
#include <functional>

#include "ferry/base/time.h"

namespace ferry::state {

class Store;

struct HistoryLimits {
  Seconds keep_history{0};  // runs, run_stats, sent or suppressed alerts; 0 = for ever
  Seconds keep_jobs{0};     // succeeded and cancelled jobs with their outputs; 0 = for ever
  int batch = 500;          // rows per transaction
};

struct PruneCounts {
  int64_t runs = 0, run_stats = 0, alerts = 0, jobs = 0;
  bool complete = true;  // false: `may_continue` stopped it with rows left
};

// Deletes, oldest first, one transaction per batch of `limits.batch` rows:
// - jobs in `succeeded` or `cancelled` whose finished_at is before now - keep_jobs (their
//   job_outputs go with them); queued, running and failed jobs are never pruned;
// - alerts `sent` or `suppressed` created before now - keep_history (pending ones stay);
// - runs started before now - keep_history that are over (not `running`), that no remaining job
//   names as its run and that no schedule row names as its last run, with their run_stats.
// Asks `may_continue` before each batch. Throws StateError/sql::Error as the store does.
PruneCounts prune_history(Store& store, TimePoint now, const HistoryLimits& limits,
                          const std::function<bool()>& may_continue);

}  // namespace ferry::state
