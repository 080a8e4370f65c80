// Jobs whose units are independent: several runs work on one at once, each unit claimed by one
// run through a `job_units` row, held while that run is live. Every statement here first locks
// the job's row (an UPDATE of it), so that claims and commits of one job follow one another on
// PostgreSQL as they do on SQLite, and in the same order (job, then units): no deadlock.
// Members of JobStore (jobs.h).
#include "ferry/sql/statement.h"
#include "ferry/state/jobs.h"

namespace ferry::state {
namespace {

// True for a row of `table` whose run is live at the `?` it takes: `running`, its lease (if
// any) not passed.
std::string live(const std::string& table) {
  return "EXISTS (SELECT 1 FROM runs r WHERE r.id = " + table +
         ".run_id AND r.outcome = 'running' AND (r.lease_until IS NULL OR r.lease_until >= ?))";
}

// Locks job `id`'s row for the rest of the transaction; its checkpoint, or nullopt when there is
// no such job.
std::optional<std::string> lock_job(Store& store, int64_t id) {
  sql::Statement q(store.db(),
                   "UPDATE jobs SET updated_at = updated_at WHERE id = ? RETURNING checkpoint");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  std::string checkpoint = q.column(0).text();
  while (q.step()) {
  }
  return checkpoint;
}

}  // namespace

UnitClaim JobStore::claim_unit(int64_t id, const UnitMap& map, TimePoint now) {
  const int64_t holder = store_.lease_holder();
  const std::string t = format_iso8601(now);
  UnitClaim claim;
  store_.transaction([&] {
    auto checkpoint = lock_job(store_, id);
    if (!checkpoint) return;
    const int64_t base = map.done_before(*checkpoint);
    // Units at or past the checkpoint that are done, or held by another live run.
    sql::Statement q(store_.db(),
                     "SELECT unit, CASE WHEN done_at IS NULL THEN 0 ELSE 1 END FROM "
                     "job_units u WHERE "
                     "job_id = ? AND unit >= ? AND (done_at IS NOT NULL OR "
                     "(run_id <> ? AND " +
                         live("u") + ")) ORDER BY unit");
    q.bind(1, id);
    q.bind(2, base);
    q.bind(3, holder);
    q.bind(4, t);
    int64_t next = base, done = 0;
    int64_t free = -1;
    while (q.step()) {
      const int64_t unit = q.column(0).int64();
      if (q.column(1).integer() != 0) ++done;
      if (free < 0 && unit > next) free = next;
      next = unit + 1;
    }
    if (free < 0 && next < map.count) free = next;
    sql::Statement total(store_.db(), "UPDATE jobs SET progress_total = ? WHERE id = ?");
    total.bind(1, map.count);
    total.bind(2, id);
    total.run();
    if (base + done >= map.count) {
      claim.result = UnitClaim::Result::kAllDone;
      return;
    }
    if (free < 0 || free >= map.count) return;  // kNoneFree
    sql::Statement take(store_.db(),
                        "INSERT INTO job_units(job_id, unit, run_id, claimed_at) VALUES "
                        "(?, ?, ?, ?) ON CONFLICT(job_id, unit) DO UPDATE SET "
                        "run_id = excluded.run_id, claimed_at = excluded.claimed_at");
    take.bind(1, id);
    take.bind(2, free);
    take.bind(3, holder);
    take.bind(4, t);
    take.run();
    claim.result = UnitClaim::Result::kClaimed;
    claim.unit = free;
  });
  return claim;
}

void JobStore::release_unit(int64_t id, int64_t unit) {
  sql::Statement q(store_.db(),
                   "DELETE FROM job_units WHERE job_id = ? AND unit = ? AND run_id = ? AND "
                   "done_at IS NULL");
  q.bind(1, id);
  q.bind(2, unit);
  q.bind(3, store_.lease_holder());
  q.run();
}

bool JobStore::commit_unit_of(int64_t id, int64_t unit, const UnitMap& map,
                              const std::vector<JobOutput>& outputs, TimePoint now) {
  const std::string t = format_iso8601(now);
  bool all_done = false;
  store_.transaction([&] {
    auto checkpoint = lock_job(store_, id);
    sql::Statement done(store_.db(),
                        "INSERT INTO job_units(job_id, unit, run_id, claimed_at, done_at) VALUES "
                        "(?, ?, ?, ?, ?) ON CONFLICT(job_id, unit) DO UPDATE SET "
                        "run_id = excluded.run_id, done_at = excluded.done_at WHERE "
                        "job_units.done_at IS NULL AND (job_units.run_id = excluded.run_id OR "
                        "NOT " +
                            live("job_units") + ")");
    done.bind(1, id);
    done.bind(2, unit);
    done.bind(3, store_.lease_holder());
    done.bind(4, t);
    done.bind(5, t);
    done.bind(6, t);
    // Units before the checkpoint are done (their rows are gone).
    const int64_t base = checkpoint ? map.done_before(*checkpoint) : 0;
    if (!checkpoint || unit < base || done.run() == 0)
      throw LeaseLost("unit " + std::to_string(unit) + " of job " + std::to_string(id) +
                      " was done or taken by another run after this run's lease ran out; it is "
                      "dropped");
    // The checkpoint moves past every unit done in order; the rows it covers go.
    sql::Statement q(store_.db(),
                     "SELECT unit FROM job_units WHERE job_id = ? AND unit >= ? AND done_at IS "
                     "NOT NULL ORDER BY unit");
    q.bind(1, id);
    q.bind(2, base);
    int64_t prefix = base, count = 0;
    while (q.step()) {
      if (q.column(0).int64() == prefix) ++prefix;
      ++count;
    }
    sql::Statement drop(store_.db(), "DELETE FROM job_units WHERE job_id = ? AND unit < ?");
    drop.bind(1, id);
    drop.bind(2, prefix);
    drop.run();
    sql::Statement job(store_.db(),
                       "UPDATE jobs SET checkpoint = ?, progress_done = ?, progress_total = ?, "
                       "updated_at = ? WHERE id = ?");
    job.bind(1, map.checkpoint_at(prefix));
    job.bind(2, base + count);
    job.bind(3, map.count);
    job.bind(4, t);
    job.bind(5, id);
    job.run();
    record_outputs(id, outputs, t);
    all_done = base + count >= map.count;
  });
  return all_done;
}

Left JobStore::leave(int64_t id, TimePoint now) {
  const int64_t holder = store_.lease_holder();
  const std::string t = format_iso8601(now);
  Left left = Left::kNothing;
  store_.transaction([&] {
    if (!lock_job(store_, id)) return;
    sql::Statement mine(
        store_.db(), "DELETE FROM job_units WHERE job_id = ? AND run_id = ? AND done_at IS NULL");
    mine.bind(1, id);
    mine.bind(2, holder);
    mine.run();
    sql::Statement lead(store_.db(), "SELECT CASE WHEN coalesce(run_id, 0) = ? OR NOT " +
                                         live("jobs") +
                                         " THEN 1 ELSE 0 END FROM jobs WHERE id = ? AND "
                                         "status = 'running'");
    lead.bind(1, holder);
    lead.bind(2, t);
    lead.bind(3, id);
    if (!lead.step() || lead.column(0).integer() == 0) return;  // not running, or not H's
    sql::Statement other(store_.db(),
                         "SELECT run_id FROM job_units u WHERE job_id = ? AND "
                         "done_at IS NULL AND run_id <> ? AND " +
                             live("u") + " ORDER BY unit LIMIT 1");
    other.bind(1, id);
    other.bind(2, holder);
    other.bind(3, t);
    if (other.step()) {
      sql::Statement hand(store_.db(), "UPDATE jobs SET run_id = ? WHERE id = ?");
      hand.bind(1, other.column(0).int64());
      hand.bind(2, id);
      hand.run();
      left = Left::kHandedOver;
      return;
    }
    // Every unit done (the run that did the last one has not ended the job yet): it ends here.
    sql::Statement back(store_.db(),
                        "UPDATE jobs SET status = CASE WHEN progress_total > 0 AND progress_done "
                        ">= progress_total THEN 'succeeded' ELSE 'queued' END, updated_at = ?, "
                        "finished_at = CASE WHEN progress_total > 0 AND progress_done >= "
                        "progress_total THEN ? END WHERE id = ? AND status = 'running' "
                        "RETURNING status");
    back.bind(1, t);
    back.bind(2, t);
    back.bind(3, id);
    if (back.step()) left = back.column(0).text() == "succeeded" ? Left::kSucceeded : Left::kQueued;
    while (back.step()) {
    }
  });
  return left;
}

std::vector<HeldUnit> JobStore::held_units() {
  sql::Statement q(store_.db(),
                   "SELECT u.job_id, u.unit, u.run_id FROM job_units u JOIN runs r ON "
                   "r.id = u.run_id WHERE u.done_at IS NULL AND r.outcome = 'running' "
                   "ORDER BY u.job_id, u.unit");
  std::vector<HeldUnit> out;
  while (q.step()) out.push_back({q.column(0).int64(), q.column(1).int64(), q.column(2).int64()});
  return out;
}

}  // namespace ferry::state
