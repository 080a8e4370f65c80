// The runs table (one row per `ferry run`), high-water marks, and scheduled-task bookkeeping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry::state {

struct RunCounts {
  int64_t units_done = 0;
  int64_t units_failed = 0;
  int64_t jobs_finished = 0;
  int64_t jobs_failed = 0;
  int64_t alerts_sent = 0;
};

struct RunRecord {
  int64_t id = 0;
  std::string started_at, finished_at, outcome, note;
  int64_t pid = 0;
  RunCounts counts;
};

class RunStore {
 public:
  explicit RunStore(Store& store) : store_(store) {}
  int64_t begin(TimePoint now, int64_t pid);
  // outcome: ok, failed or interrupted.
  void end(int64_t id, TimePoint now, const std::string& outcome, const RunCounts& counts,
           const std::string& note);
  // Marks runs still `running` (their process died: the caller holds the lock) as crashed.
  // Returns how many.
  int mark_crashed(int64_t except_id);
  std::vector<RunRecord> recent(int limit);
  std::optional<RunRecord> last_finished();
  // The newest run still `running` (in progress if the run lock is held), if any.
  std::optional<RunRecord> in_progress();

 private:
  Store& store_;
};

// Per-run counters (run_stats): add() accumulates.
class RunStatStore {
 public:
  explicit RunStatStore(Store& store) : store_(store) {}
  void add(int64_t run_id, const std::string& name, int64_t delta);
  int64_t get(int64_t run_id, const std::string& name);

 private:
  Store& store_;
};

// High-water marks: a value per (source, stream). Moved only inside the transaction that
// records the output it covers: call set() from inside Store::transaction / commit_unit.
class MarkStore {
 public:
  explicit MarkStore(Store& store) : store_(store) {}
  std::optional<std::string> get(const std::string& source, const std::string& stream);
  void set(const std::string& source, const std::string& stream, const std::string& value,
           TimePoint now);

 private:
  Store& store_;
};

// When each scheduled task last completed a pass, and how many passes failed since.
class ScheduleStore {
 public:
  explicit ScheduleStore(Store& store) : store_(store) {}
  // nullopt when no pass ever completed.
  std::optional<TimePoint> last_done(const std::string& task);
  // Records a completed pass and clears the failures.
  void set_done(const std::string& task, TimePoint at, int64_t run_id);
  // Counts one more failed pass; returns the failed passes in a row.
  int add_failure(const std::string& task);

 private:
  Store& store_;
};

}  // namespace ferry::state
