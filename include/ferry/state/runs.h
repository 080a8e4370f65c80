// The runs table (one row per `ferry run`), high-water marks, and scheduled-task bookkeeping.
#pragma once

#include <cstdint>
#include <map>
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

// What a run adds to the cumulative counters (the `totals` table) besides its outcome and its
// mails: units done per pipeline, rows of job outputs per pipeline, jobs failed per job kind,
// bytes of job outputs uploaded to S3.
struct RunTotals {
  std::map<std::string, int64_t> units;         // pipeline -> units done
  std::map<std::string, int64_t> rows;          // pipeline -> rows of the outputs recorded
  std::map<std::string, int64_t> job_failures;  // job kind -> jobs that failed for good
  int64_t bytes_uploaded = 0;
};

struct RunRecord {
  int64_t id = 0;
  std::string started_at, finished_at, outcome, note;
  int64_t pid = 0;
  RunCounts counts;
  std::string host;         // '' for runs recorded before migration 11
  std::string lease_until;  // '' when it holds no lease (SQLite, or runs before migration 12)
};

// A host that ran ferry on this state: its newest run and how many it started in the period.
struct HostSeen {
  std::string host;
  int64_t runs = 0;
  RunRecord last;
};

class RunStore {
 public:
  explicit RunStore(Store& store) : store_(store) {}
  // Records a run starting now as process `pid` on `host`, holding a lease until
  // `lease_until` (nullopt: none). Returns its id.
  int64_t begin(TimePoint now, int64_t pid, const std::string& host = "",
                std::optional<TimePoint> lease_until = std::nullopt);
  // outcome: ok, failed or interrupted. In one transaction with the runs row, adds to the
  // `totals` counters (TotalStore): runs{outcome} + 1, alerts_sent + counts.alerts_sent,
  // what `totals` holds, and the rows this run recorded in run_stats under names
  // `<pipeline>:…:rows_exported` (rows a scheduled task wrote outside job outputs) to
  // rows{pipeline}.
  void end(int64_t id, TimePoint now, const std::string& outcome, const RunCounts& counts,
           const std::string& note, const RunTotals& totals = {});
  // Marks runs still `running` but dead as crashed, counting them in totals runs{crashed} in
  // the same transaction. Returns how many. Which are dead: with no `shared`, every one but
  // `except_id` (the caller holds the run lock of the only host); with `shared` (several hosts
  // on one state), those of `shared->host` (whose run lock the caller holds) and those of
  // any host whose lease passed before `shared->now` (or that never had one).
  struct Shared {
    std::string host;
    TimePoint now;
  };
  int mark_crashed(int64_t except_id, const std::optional<Shared>& shared = std::nullopt);
  std::vector<RunRecord> recent(int limit);
  std::optional<RunRecord> last_finished();
  // The newest run still `running` (in progress if the run lock is held), if any.
  std::optional<RunRecord> in_progress();
  // Every run still `running`, oldest first (on a shared state: one per host at work, and
  // any whose host died and whose lease has not yet passed or been found passed).
  std::vector<RunRecord> all_in_progress();
  // Every host with a run started at or after `since`, by name: the runs it started since
  // then and its newest run.
  std::vector<HostSeen> hosts_since(TimePoint since);
  // Closes runs that stopped because the state was locked (see UnrecordedRuns): those of
  // `ids` still `running` become `interrupted` with a note saying why (counted in totals
  // runs{interrupted}), and the jobs they left `running` go back to `queued` with no failure
  // counted, in one transaction. Returns the
  // number of jobs put back. Call before mark_crashed, holding the run lock.
  int close_unrecorded(const std::vector<int64_t>& ids, TimePoint now);

 private:
  void end_row(int64_t id, TimePoint now, const std::string& outcome, const RunCounts& counts,
               const std::string& note);
  Store& store_;
};

// Runs that had to stop because another program held the state's write lock past the busy
// timeout, so that they could record neither their jobs' end nor their own: their ids, kept
// one a line in `<state file>.unrecorded` beside the state (`state.dir/ferry.unrecorded` for a
// PostgreSQL state: the host's own) (written atomically; the state
// itself cannot be written then). The next run reads them so that it does not take those runs
// for crashes (RunStore::close_unrecorded), then clears the file.
class UnrecordedRuns {
 public:
  explicit UnrecordedRuns(const Store& store) : path_(store.beside(".unrecorded")) {}
  // The ids recorded; empty when there is no file (or no readable id in it).
  std::vector<int64_t> ids() const;
  // Adds `run_id`. Throws OperationError when the file cannot be written.
  void add(int64_t run_id) const;
  // Removes the file. Throws OperationError when it cannot be removed.
  void clear() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
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

// The cumulative counters of the metrics file (table `totals`): never lowered by pruning the
// history. Written by RunStore (end, mark_crashed, close_unrecorded); read here.
class TotalStore {
 public:
  explicit TotalStore(Store& store) : store_(store) {}
  // counter -> label -> value, every row of the table.
  std::map<std::string, std::map<std::string, int64_t>> all();
  // Adds `delta` to (counter, label). Call inside the transaction that records what it counts.
  void add(const std::string& counter, const std::string& label, int64_t delta);

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
