#include "ferry/state/runs.h"

#include <SQLiteCpp/Statement.h>

#include <map>

namespace ferry::state {
namespace {

RunRecord read_run(SQLite::Statement& q) {
  RunRecord r;
  r.id = q.getColumn(0).getInt64();
  r.started_at = q.getColumn(1).getString();
  r.finished_at = q.getColumn(2).getString();
  r.outcome = q.getColumn(3).getString();
  r.pid = q.getColumn(4).getInt64();
  r.counts.units_done = q.getColumn(5).getInt64();
  r.counts.units_failed = q.getColumn(6).getInt64();
  r.counts.jobs_finished = q.getColumn(7).getInt64();
  r.counts.jobs_failed = q.getColumn(8).getInt64();
  r.counts.alerts_sent = q.getColumn(9).getInt64();
  r.note = q.getColumn(10).getString();
  r.host = q.getColumn(11).getString();
  return r;
}

const char* kRunColumns =
    "SELECT id, started_at, coalesce(finished_at,''), outcome, pid, units_done, units_failed, "
    "jobs_finished, jobs_failed, alerts_sent, note, host FROM runs ";

}  // namespace

int64_t RunStore::begin(TimePoint now, int64_t pid, const std::string& host) {
  SQLite::Statement q(store_.db(), "INSERT INTO runs(started_at, pid, host) VALUES (?, ?, ?)");
  q.bind(1, format_iso8601(now));
  q.bind(2, pid);
  q.bind(3, host);
  q.exec();
  return store_.db().getLastInsertRowid();
}

void RunStore::end(int64_t id, TimePoint now, const std::string& outcome, const RunCounts& c,
                   const std::string& note, const RunTotals& totals) {
  store_.transaction([&] {
    end_row(id, now, outcome, c, note);
    TotalStore t(store_);
    t.add("runs", outcome, 1);
    t.add("alerts_sent", "", c.alerts_sent);
    for (const auto& [pipeline, n] : totals.units) t.add("units", pipeline, n);
    for (const auto& [pipeline, n] : totals.rows) t.add("rows", pipeline, n);
    for (const auto& [kind, n] : totals.job_failures) t.add("job_failures", kind, n);
    t.add("bytes_uploaded", "", totals.bytes_uploaded);
    SQLite::Statement rows(
        store_.db(),
        "SELECT substr(name, 1, instr(name, ':') - 1), sum(value) FROM run_stats "
        "WHERE run_id = ? AND name LIKE '%:rows_exported' AND instr(name, ':') > 1 "
        "GROUP BY 1");
    rows.bind(1, id);
    std::vector<std::pair<std::string, int64_t>> found;
    while (rows.executeStep())
      found.emplace_back(rows.getColumn(0).getString(), rows.getColumn(1).getInt64());
    for (const auto& [pipeline, n] : found) t.add("rows", pipeline, n);
  });
}

void RunStore::end_row(int64_t id, TimePoint now, const std::string& outcome, const RunCounts& c,
                       const std::string& note) {
  SQLite::Statement q(store_.db(),
                      "UPDATE runs SET finished_at = ?, outcome = ?, units_done = ?, "
                      "units_failed = ?, jobs_finished = ?, jobs_failed = ?, alerts_sent = ?, "
                      "note = ? WHERE id = ?");
  q.bind(1, format_iso8601(now));
  q.bind(2, outcome);
  q.bind(3, c.units_done);
  q.bind(4, c.units_failed);
  q.bind(5, c.jobs_finished);
  q.bind(6, c.jobs_failed);
  q.bind(7, c.alerts_sent);
  q.bind(8, store_.scrub(note));
  q.bind(9, id);
  q.exec();
}

int RunStore::mark_crashed(int64_t except_id) {
  int n = 0;
  store_.transaction([&] {
    SQLite::Statement q(store_.db(),
                        "UPDATE runs SET outcome = 'crashed', note = 'process ended without "
                        "finishing its run' WHERE outcome = 'running' AND id != ?");
    q.bind(1, except_id);
    n = q.exec();
    if (n > 0) TotalStore(store_).add("runs", "crashed", n);
  });
  return n;
}

std::map<std::string, std::map<std::string, int64_t>> TotalStore::all() {
  SQLite::Statement q(store_.db(), "SELECT counter, label, value FROM totals");
  std::map<std::string, std::map<std::string, int64_t>> out;
  while (q.executeStep())
    out[q.getColumn(0).getString()][q.getColumn(1).getString()] = q.getColumn(2).getInt64();
  return out;
}

void TotalStore::add(const std::string& counter, const std::string& label, int64_t delta) {
  if (delta == 0) return;
  SQLite::Statement q(store_.db(),
                      "INSERT INTO totals(counter, label, value) VALUES (?,?,?) "
                      "ON CONFLICT(counter, label) DO UPDATE SET value = value + excluded.value");
  q.bind(1, counter);
  q.bind(2, label);
  q.bind(3, delta);
  q.exec();
}

std::vector<RunRecord> RunStore::recent(int limit) {
  SQLite::Statement q(store_.db(), std::string(kRunColumns) + "ORDER BY id DESC LIMIT ?");
  q.bind(1, limit);
  std::vector<RunRecord> out;
  while (q.executeStep()) out.push_back(read_run(q));
  return out;
}

std::optional<RunRecord> RunStore::last_finished() {
  SQLite::Statement q(store_.db(), std::string(kRunColumns) +
                                       "WHERE outcome != 'running' ORDER BY id DESC LIMIT 1");
  if (!q.executeStep()) return std::nullopt;
  return read_run(q);
}

std::optional<RunRecord> RunStore::in_progress() {
  SQLite::Statement q(
      store_.db(), std::string(kRunColumns) + "WHERE outcome = 'running' ORDER BY id DESC LIMIT 1");
  if (!q.executeStep()) return std::nullopt;
  return read_run(q);
}

std::vector<HostSeen> RunStore::hosts_since(TimePoint since) {
  // The period's runs are found through runs_by_start; each host's newest by its id.
  SQLite::Statement q(store_.db(),
                      std::string(kRunColumns) +
                          "WHERE id IN (SELECT max(id) FROM runs WHERE started_at >= ? "
                          "GROUP BY host) ORDER BY host");
  q.bind(1, format_iso8601(since));
  std::vector<HostSeen> out;
  while (q.executeStep()) {
    HostSeen h;
    h.last = read_run(q);
    h.host = h.last.host;
    out.push_back(std::move(h));
  }
  SQLite::Statement n(store_.db(),
                      "SELECT host, count(*) FROM runs WHERE started_at >= ? GROUP BY host");
  n.bind(1, format_iso8601(since));
  std::map<std::string, int64_t> counts;
  while (n.executeStep()) counts[n.getColumn(0).getString()] = n.getColumn(1).getInt64();
  for (auto& h : out) h.runs = counts[h.host];
  return out;
}

void RunStatStore::add(int64_t run_id, const std::string& name, int64_t delta) {
  SQLite::Statement q(store_.db(),
                      "INSERT INTO run_stats(run_id, name, value) VALUES (?,?,?) "
                      "ON CONFLICT(run_id, name) DO UPDATE SET value = value + excluded.value");
  q.bind(1, run_id);
  q.bind(2, name);
  q.bind(3, delta);
  q.exec();
}

int64_t RunStatStore::get(int64_t run_id, const std::string& name) {
  SQLite::Statement q(store_.db(), "SELECT value FROM run_stats WHERE run_id = ? AND name = ?");
  q.bind(1, run_id);
  q.bind(2, name);
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::optional<std::string> MarkStore::get(const std::string& source, const std::string& stream) {
  SQLite::Statement q(store_.db(), "SELECT value FROM marks WHERE source = ? AND stream = ?");
  q.bind(1, source);
  q.bind(2, stream);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

void MarkStore::set(const std::string& source, const std::string& stream, const std::string& value,
                    TimePoint now) {
  SQLite::Statement q(store_.db(),
                      "INSERT INTO marks(source, stream, value, updated_at) VALUES (?,?,?,?) "
                      "ON CONFLICT(source, stream) DO UPDATE SET value = excluded.value, "
                      "updated_at = excluded.updated_at");
  q.bind(1, source);
  q.bind(2, stream);
  q.bind(3, value);
  q.bind(4, format_iso8601(now));
  q.exec();
}

std::optional<TimePoint> ScheduleStore::last_done(const std::string& task) {
  SQLite::Statement q(store_.db(), "SELECT last_done FROM schedule WHERE task = ?");
  q.bind(1, task);
  if (!q.executeStep()) return std::nullopt;
  return parse_iso8601(q.getColumn(0).getString());  // '' (failed before any pass): nullopt
}

int ScheduleStore::add_failure(const std::string& task) {
  SQLite::Statement q(store_.db(),
                      "INSERT INTO schedule(task, last_done, failures) VALUES (?, '', 1) "
                      "ON CONFLICT(task) DO UPDATE SET failures = failures + 1 "
                      "RETURNING failures");
  q.bind(1, task);
  q.executeStep();
  return q.getColumn(0).getInt();
}

void ScheduleStore::set_done(const std::string& task, TimePoint at, int64_t run_id) {
  SQLite::Statement q(store_.db(),
                      "INSERT INTO schedule(task, last_done, last_run) VALUES (?,?,?) "
                      "ON CONFLICT(task) DO UPDATE SET last_done = excluded.last_done, "
                      "last_run = excluded.last_run, failures = 0");
  q.bind(1, task);
  q.bind(2, format_iso8601(at));
  q.bind(3, run_id);
  q.exec();
}

}  // namespace ferry::state
