// The job queue table and its outputs. Status changes follow job_transition_allowed().
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry::state {

enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

const char* status_word(JobStatus s);
// nullopt for an unknown word.
std::optional<JobStatus> parse_status(const std::string& word);
// The lifecycle: queued→running|cancelled; running→queued (paused, or its run died),
// succeeded, failed, cancelled; failed|cancelled→queued (retry). Nothing leaves succeeded.
bool job_transition_allowed(JobStatus from, JobStatus to);

struct JobOutput {
  std::string name;
  std::string path;
  std::string s3_target;  // the `[s3.NAME]` it was uploaded through
  std::string s3_key;     // its key under that target's prefix
  // Where it was uploaded, as the store reported it then ("" in rows older than these columns):
  // endpoint URL, region, bucket, and the object's whole key in the bucket (prefix included).
  std::string s3_endpoint;
  std::string s3_region;
  std::string s3_bucket;
  std::string s3_object_key;
  int64_t size = 0;
  std::string sha256;
  int64_t rows = 0;
  std::string link;
  std::string link_expires_at;
  std::string created_at;
};

struct Job {
  int64_t id = 0;
  std::string kind;
  JobStatus status = JobStatus::kQueued;
  std::string from_date;  // yyyy-mm-dd
  std::string to_date;
  std::string params = "{}";
  int attempts = 0;  // runs that started work on it
  int failures = 0;  // tries that ended in a transient failure
  int crashes = 0;   // starts whose run died while it was running
  int64_t progress_done = 0;
  int64_t progress_total = 0;
  std::string checkpoint;
  std::string error;
  std::string created_at, started_at, finished_at, updated_at;
  std::string not_before;  // ISO-8601 UTC: a queued job waits until then ("" = it does not)
  std::string owner;       // a running job: "HOST pid N", the run working on it (by get, list)
  int64_t run_id = 0;      // the run that last started it (the one holding it while running)
  std::vector<JobOutput> outputs;
};

struct JobCounts {
  int64_t queued = 0, running = 0, succeeded = 0, failed = 0, cancelled = 0;
};

// A unit's work cannot be recorded: its job was taken over by another run after this run's lease
// ran out (its host seemed dead). The unit is dropped; the other run does it again.
class LeaseLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How a job whose units are independent (each its own output, done in any order, by any run:
// an hour of CAKE clicks) reads its progress: units 0 .. count - 1; its checkpoint says units
// [0, k) are done, and `job_units` holds the claims and the units done beyond k.
struct UnitMap {
  int64_t count = 0;
  // k for a checkpoint ("" gives 0). The checkpoint is one checkpoint_at gave, or one the
  // handler has checked.
  std::function<int64_t(const std::string& checkpoint)> done_before;
  std::function<std::string(int64_t k)> checkpoint_at;
};

// What claim_unit found.
struct UnitClaim {
  enum class Result { kClaimed, kNoneFree, kAllDone };
  Result result = Result::kNoneFree;
  int64_t unit = -1;  // kClaimed only
};

// A unit a run has claimed and not finished.
struct HeldUnit {
  int64_t job_id = 0;
  int64_t unit = 0;
  int64_t run_id = 0;
};

// What leave did with a job its run stops working on.
enum class Left { kNothing, kHandedOver, kQueued, kSucceeded };

// Every change to a job that is `running` applies only while the store's lease holder
// (Store::lease_holder(), when set) is the run holding the job; otherwise it changes nothing
// (start() claims only queued jobs).
class JobStore {
 public:
  // `units_shared`: the jobs changed through this store are of a kind with independent units,
  // worked by several runs at once; a running one may be changed by any run still `running`
  // (not only the one that started it).
  explicit JobStore(Store& store, bool units_shared = false)
      : store_(store), units_shared_(units_shared) {}

  int64_t enqueue(const std::string& kind, const std::string& from, const std::string& to,
                  const std::string& params, TimePoint now);
  std::optional<Job> get(int64_t id);
  // The oldest queued or running job of this kind, range and params, if any.
  std::optional<int64_t> find_active(const std::string& kind, const std::string& from,
                                     const std::string& to, const std::string& params);
  // Which jobs list() gives: all=false: unfinished jobs and jobs finished in the 7 days before
  // `now`; status and kind ("" = any) narrow it; at most `limit`, newest first.
  struct ListFilter {
    bool all = false;
    std::string status = "";  // a status word, or "" for any
    std::string kind = "";
    int limit = 1000;
  };
  std::vector<Job> list(const ListFilter& filter, TimePoint now);
  // The oldest queued job with an id above `after_id` whose not_before (if any) is at or
  // before `now`.
  std::optional<Job> next_queued(int64_t after_id, TimePoint now);
  // The oldest running job with an id above `after_id` that another run than the store's lease
  // holder started (to join, when its units are independent).
  std::optional<Job> next_running(int64_t after_id);
  // Jobs `running` whose run is not: it ended, or was marked crashed (RunStore::mark_crashed),
  // and no unit of which a `running` run holds, so nothing works on them. Oldest first.
  std::vector<Job> orphaned();
  // Takes a job left running by the dead run `from` over for run `to`, so that exactly one
  // of the hosts that found it orphaned handles it. False when another already did (or the job
  // is no longer running under `from`).
  bool adopt(int64_t id, int64_t from, int64_t to);
  JobCounts counts();

  // queued → running; attempts + 1; not_before cleared. Returns false when the job is no
  // longer queued.
  bool start(int64_t id, int64_t run_id, TimePoint now);
  // running → queued until `until` (not_before), checkpoint and progress kept, no failure
  // counted; `uncount_attempt` takes back the attempt start() counted. False when not running.
  bool wait(int64_t id, TimePoint until, bool uncount_attempt, TimePoint now);
  // Records a finished unit: checkpoint, progress and new outputs, in one transaction with
  // whatever `also` writes (so a pipeline's own marks move with it). Throws LeaseLost (and
  // records nothing) when the job is running under another run than the store's lease holder.
  void commit_unit(int64_t id, const std::string& checkpoint, int64_t done, int64_t total,
                   const std::vector<JobOutput>& outputs, TimePoint now,
                   const std::function<void()>& also = {});
  // Independent units (job_units.cpp), for the store's lease holder H (0 when none is set).
  // A claim or a unit done by a run that is not live (`running` with a lease not passed at
  // `now`) is free to take; H's own claims are its to take again.
  //
  // Claims the lowest unit of job `id` that is neither done nor claimed by another live run,
  // and sets the job's progress total to map.count. kAllDone when every unit is done.
  UnitClaim claim_unit(int64_t id, const UnitMap& map, TimePoint now);
  // Gives back H's claim on a unit it did not finish.
  void release_unit(int64_t id, int64_t unit);
  // Records `unit` done with its outputs, and the job's checkpoint and progress, in one
  // transaction. Throws LeaseLost (recording nothing) when the unit is done already or another
  // live run holds it. Returns true when every unit of the job is now done.
  bool commit_unit_of(int64_t id, int64_t unit, const UnitMap& map,
                      const std::vector<JobOutput>& outputs, TimePoint now);
  // H stops working on running job `id` (its units are independent): when the run that
  // started it is another live run, nothing changes; otherwise the job is handed over to a
  // live run that holds one of its units, or else goes back to queued at its checkpoint (or,
  // every unit being done, succeeds). H's claims on it are given back.
  Left leave(int64_t id, TimePoint now);
  // Every claimed unit not yet done whose run is `running`, by job and unit.
  std::vector<HeldUnit> held_units();

  // Sets the progress total (before the first unit).
  void set_total(int64_t id, int64_t total, TimePoint now);
  // running → succeeded|failed|cancelled|queued, with a one-line error (may be empty).
  // Returns false (and changes nothing) when the transition is not allowed.
  bool finish(int64_t id, JobStatus to, const std::string& error, TimePoint now);
  // Counts a failed try; returns the new failure count.
  int add_failure(int64_t id, const std::string& error, TimePoint now);
  // Counts a start whose run died; returns the new crash count.
  int add_crash(int64_t id, const std::string& error, TimePoint now);
  // Operator actions. Return false, with `why`, when the job's status does not allow them.
  bool cancel(int64_t id, TimePoint now, std::string* why);
  bool retry(int64_t id, TimePoint now, std::string* why);
  // Replaces the stored link of an output.
  void set_link(int64_t id, const std::string& name, const std::string& link,
                const std::string& expires_at);

 private:
  bool move(int64_t id, JobStatus to, const std::string& error, TimePoint now);
  // " AND (status <> 'running' OR run_id = HOLDER)" for a store with a lease holder, else "".
  std::string fence() const;
  // Inserts (or replaces, by name) the outputs of job `id`, recorded `at`.
  void record_outputs(int64_t id, const std::vector<JobOutput>& outputs, const std::string& at);
  // Fills each job's outputs, in the order they were recorded.
  void attach_outputs(std::vector<Job>& jobs);
  // Sets the owner of the running jobs among `jobs` from the runs they name.
  void attach_owners(std::vector<Job>& jobs);
  Store& store_;
  bool units_shared_;
};

}  // namespace ferry::state
