// See history.h. Every statement here is a range search on an index of migration 9, so a
// prune with nothing to do reads a few pages, whatever the size of the history.
#include "ferry/state/history.h"

#include "ferry/sql/statement.h"

#include <string>
#include <vector>

#include "ferry/state/store.h"

namespace ferry::state {
namespace {

std::vector<int64_t> ids_of(sql::Statement& q) {
  std::vector<int64_t> ids;
  while (q.step()) ids.push_back(q.column(0).int64());
  return ids;
}

// One batch of finished jobs older than `cutoff`; returns how many were deleted.
int64_t prune_jobs(Store& store, const std::string& cutoff, int batch) {
  int64_t n = 0;
  store.transaction([&] {
    sql::Statement q(store.db(),
                     "SELECT id FROM jobs WHERE status IN ('succeeded','cancelled') AND "
                     "finished_at < ? ORDER BY finished_at LIMIT ?");
    q.bind(1, cutoff);
    q.bind(2, batch);
    sql::Statement del(store.db(), "DELETE FROM jobs WHERE id = ?");  // outputs cascade
    for (int64_t id : ids_of(q)) {
      del.bind(1, id);
      n += del.run();
      del.reset();
    }
  });
  return n;
}

int64_t prune_alerts(Store& store, const std::string& cutoff, int batch) {
  int64_t n = 0;
  store.transaction([&] {
    sql::Statement q(store.db(),
                     "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE status <> "
                     "'pending' AND created_at < ? ORDER BY created_at LIMIT ?)");
    q.bind(1, cutoff);
    q.bind(2, batch);
    n = q.run();
  });
  return n;
}

struct RunCursor {
  std::string started_at;  // the last run looked at (kept or deleted)
  int64_t id = 0;
  bool done = false;
};

// One batch of runs older than `cutoff`, from `cursor` on. A run a job or a schedule row still
// names is kept (and stepped over next time).
void prune_runs(Store& store, const std::string& cutoff, int batch, RunCursor& cursor,
                PruneCounts& counts) {
  store.transaction([&] {
    sql::Statement q(store.db(),
                     "SELECT id, started_at FROM runs WHERE started_at >= ?1 AND "
                     "started_at < ?2 AND (started_at > ?1 OR id > ?3) AND outcome <> "
                     "'running' ORDER BY started_at, id LIMIT ?4");
    q.bind(1, cursor.started_at);
    q.bind(2, cutoff);
    q.bind(3, cursor.id);
    q.bind(4, batch);
    std::vector<int64_t> ids;
    while (q.step()) {
      ids.push_back(q.column(0).int64());
      cursor.started_at = q.column(1).text();
    }
    if (ids.empty()) {
      cursor.done = true;
      return;
    }
    cursor.id = ids.back();
    const char* unused =
        " AND NOT EXISTS (SELECT 1 FROM jobs WHERE run_id = ?1) AND NOT EXISTS (SELECT 1 FROM "
        "schedule WHERE last_run = ?1)";
    sql::Statement stats(store.db(),
                         std::string("DELETE FROM run_stats WHERE run_id = ?1") + unused);
    sql::Statement run(store.db(), std::string("DELETE FROM runs WHERE id = ?1") + unused);
    for (int64_t id : ids) {
      stats.bind(1, id);
      counts.run_stats += stats.run();
      stats.reset();
      run.bind(1, id);
      counts.runs += run.run();
      run.reset();
    }
  });
}

}  // namespace

PruneCounts prune_history(Store& store, TimePoint now, const HistoryLimits& limits,
                          const std::function<bool()>& may_continue) {
  PruneCounts counts;
  const int batch = limits.batch > 0 ? limits.batch : 500;
  auto more = [&] {
    if (may_continue()) return true;
    counts.complete = false;
    return false;
  };
  if (limits.keep_jobs.count() > 0) {
    const std::string cutoff = format_iso8601(now - limits.keep_jobs);
    for (int64_t n = batch; n == batch && more();)
      counts.jobs += n = prune_jobs(store, cutoff, batch);
  }
  if (limits.keep_history.count() <= 0 || !counts.complete) return counts;
  const std::string cutoff = format_iso8601(now - limits.keep_history);
  for (int64_t n = batch; n == batch && more();)
    counts.alerts += n = prune_alerts(store, cutoff, batch);
  RunCursor cursor;
  while (!cursor.done && counts.complete && more())
    prune_runs(store, cutoff, batch, cursor, counts);
  return counts;
}

}  // namespace ferry::state
