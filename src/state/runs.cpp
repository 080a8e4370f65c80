#include "ferry/state/runs.h"

#include "ferry/sql/statement.h"

#include <map>

namespace ferry::state {
namespace {

RunRecord read_run(sql::Statement& q) {
  RunRecord r;
  r.id = q.column(0).int64();
  r.started_at = q.column(1).text();
  r.finished_at = q.column(2).text();
  r.outcome = q.column(3).text();
  r.pid = q.column(4).int64();
  r.counts.units_done = q.column(5).int64();
  r.counts.units_failed = q.column(6).int64();
  r.counts.jobs_finished = q.column(7).int64();
  r.counts.jobs_failed = q.column(8).int64();
  r.counts.alerts_sent = q.column(9).int64();
  r.note = q.column(10).text();
  r.host = q.column(11).text();
  r.lease_until = q.column(12).text();
  return r;
}

const char* kRunColumns =
    "SELECT id, started_at, coalesce(finished_at,''), outcome, pid, units_done, units_failed, "
    "jobs_finished, jobs_failed, alerts_sent, note, host, coalesce(lease_until, '') FROM runs ";

}  // namespace

int64_t RunStore::begin(TimePoint now, int64_t pid, const std::string& host,
                        std::optional<TimePoint> lease_until) {
  sql::Statement q(store_.db(),
                   "INSERT INTO runs(started_at, pid, host, lease_until) VALUES (?, ?, ?, ?) "
                   "RETURNING id");
  q.bind(1, format_iso8601(now));
  q.bind(2, pid);
  q.bind(3, host);
  if (lease_until)
    q.bind(4, format_iso8601(*lease_until));
  else
    q.bind(4, std::nullopt);
  return q.inserted_id();
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
    sql::Statement rows(store_.db(),
                        "SELECT name, value FROM run_stats "
                        "WHERE run_id = ? AND name LIKE '%:rows_exported'");
    rows.bind(1, id);
    std::map<std::string, int64_t> found;  // `PIPELINE:rows_exported` -> PIPELINE
    while (rows.step()) {
      std::string name = rows.column(0).text();
      auto colon = name.find(':');
      if (colon != std::string::npos && colon > 0)
        found[name.substr(0, colon)] += rows.column(1).int64();
    }
    for (const auto& [pipeline, n] : found) t.add("rows", pipeline, n);
  });
}

void RunStore::end_row(int64_t id, TimePoint now, const std::string& outcome, const RunCounts& c,
                       const std::string& note) {
  sql::Statement q(store_.db(),
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
  q.run();
}

int RunStore::mark_crashed(int64_t except_id, const std::optional<Shared>& shared) {
  int n = 0;
  store_.transaction([&] {
    sql::Statement q(store_.db(),
                     "UPDATE runs SET outcome = 'crashed', note = CASE WHEN ? OR host = ? OR "
                     "lease_until IS NULL THEN "
                     "'process ended without finishing its run' ELSE 'its lease ran out (' || "
                     "lease_until || '): its host stopped renewing it' END "
                     "WHERE outcome = 'running' AND id != ? AND (? OR host = ? OR "
                     "lease_until IS NULL OR lease_until < ?)");
    q.bind(1, !shared);
    q.bind(2, shared ? shared->host : "");
    q.bind(3, except_id);
    q.bind(4, !shared);
    q.bind(5, shared ? shared->host : "");
    q.bind(6, shared ? format_iso8601(shared->now) : "");
    n = q.run();
    if (n > 0) TotalStore(store_).add("runs", "crashed", n);
  });
  return n;
}

std::map<std::string, std::map<std::string, int64_t>> TotalStore::all() {
  sql::Statement q(store_.db(), "SELECT counter, label, value FROM totals");
  std::map<std::string, std::map<std::string, int64_t>> out;
  while (q.step()) out[q.column(0).text()][q.column(1).text()] = q.column(2).int64();
  return out;
}

void TotalStore::add(const std::string& counter, const std::string& label, int64_t delta) {
  if (delta == 0) return;
  sql::Statement q(
      store_.db(),
      "INSERT INTO totals(counter, label, value) VALUES (?,?,?) "
      "ON CONFLICT(counter, label) DO UPDATE SET value = totals.value + excluded.value");
  q.bind(1, counter);
  q.bind(2, label);
  q.bind(3, delta);
  q.run();
}

std::vector<RunRecord> RunStore::recent(int limit) {
  sql::Statement q(store_.db(), std::string(kRunColumns) + "ORDER BY id DESC LIMIT ?");
  q.bind(1, limit);
  std::vector<RunRecord> out;
  while (q.step()) out.push_back(read_run(q));
  return out;
}

std::optional<RunRecord> RunStore::last_finished() {
  sql::Statement q(store_.db(), std::string(kRunColumns) +
                                    "WHERE outcome != 'running' ORDER BY id DESC LIMIT 1");
  if (!q.step()) return std::nullopt;
  return read_run(q);
}

std::optional<RunRecord> RunStore::in_progress() {
  sql::Statement q(store_.db(),
                   std::string(kRunColumns) + "WHERE outcome = 'running' ORDER BY id DESC LIMIT 1");
  if (!q.step()) return std::nullopt;
  return read_run(q);
}

std::vector<RunRecord> RunStore::all_in_progress() {
  sql::Statement q(store_.db(), std::string(kRunColumns) + "WHERE outcome = 'running' ORDER BY id");
  std::vector<RunRecord> out;
  while (q.step()) out.push_back(read_run(q));
  return out;
}

std::vector<HostSeen> RunStore::hosts_since(TimePoint since) {
  // The period's runs are found through runs_by_start; each host's newest by its id.
  sql::Statement q(store_.db(), std::string(kRunColumns) +
                                    "WHERE id IN (SELECT max(id) FROM runs WHERE started_at >= ? "
                                    "GROUP BY host) ORDER BY host");
  q.bind(1, format_iso8601(since));
  std::vector<HostSeen> out;
  while (q.step()) {
    HostSeen h;
    h.last = read_run(q);
    h.host = h.last.host;
    out.push_back(std::move(h));
  }
  sql::Statement n(store_.db(),
                   "SELECT host, count(*) FROM runs WHERE started_at >= ? GROUP BY host");
  n.bind(1, format_iso8601(since));
  std::map<std::string, int64_t> counts;
  while (n.step()) counts[n.column(0).text()] = n.column(1).int64();
  for (auto& h : out) h.runs = counts[h.host];
  return out;
}

void RunStatStore::add(int64_t run_id, const std::string& name, int64_t delta) {
  sql::Statement q(
      store_.db(),
      "INSERT INTO run_stats(run_id, name, value) VALUES (?,?,?) "
      "ON CONFLICT(run_id, name) DO UPDATE SET value = run_stats.value + excluded.value");
  q.bind(1, run_id);
  q.bind(2, name);
  q.bind(3, delta);
  q.run();
}

int64_t RunStatStore::get(int64_t run_id, const std::string& name) {
  sql::Statement q(store_.db(), "SELECT value FROM run_stats WHERE run_id = ? AND name = ?");
  q.bind(1, run_id);
  q.bind(2, name);
  return q.step() ? q.column(0).int64() : 0;
}

std::optional<std::string> MarkStore::get(const std::string& source, const std::string& stream) {
  sql::Statement q(store_.db(), "SELECT value FROM marks WHERE source = ? AND stream = ?");
  q.bind(1, source);
  q.bind(2, stream);
  if (!q.step()) return std::nullopt;
  return q.column(0).text();
}

void MarkStore::set(const std::string& source, const std::string& stream, const std::string& value,
                    TimePoint now) {
  sql::Statement q(store_.db(),
                   "INSERT INTO marks(source, stream, value, updated_at) VALUES (?,?,?,?) "
                   "ON CONFLICT(source, stream) DO UPDATE SET value = excluded.value, "
                   "updated_at = excluded.updated_at");
  q.bind(1, source);
  q.bind(2, stream);
  q.bind(3, value);
  q.bind(4, format_iso8601(now));
  q.run();
}

std::optional<TimePoint> ScheduleStore::last_done(const std::string& task) {
  sql::Statement q(store_.db(), "SELECT last_done FROM schedule WHERE task = ?");
  q.bind(1, task);
  if (!q.step()) return std::nullopt;
  return parse_iso8601(q.column(0).text());  // '' (failed before any pass): nullopt
}

int ScheduleStore::add_failure(const std::string& task) {
  sql::Statement q(store_.db(),
                   "INSERT INTO schedule(task, last_done, failures) VALUES (?, '', 1) "
                   "ON CONFLICT(task) DO UPDATE SET failures = schedule.failures + 1 "
                   "RETURNING failures");
  q.bind(1, task);
  q.step();
  return q.column(0).integer();
}

void ScheduleStore::set_done(const std::string& task, TimePoint at, int64_t run_id) {
  sql::Statement q(store_.db(),
                   "INSERT INTO schedule(task, last_done, last_run) VALUES (?,?,?) "
                   "ON CONFLICT(task) DO UPDATE SET last_done = excluded.last_done, "
                   "last_run = excluded.last_run, failures = 0");
  q.bind(1, task);
  q.bind(2, format_iso8601(at));
  q.bind(3, run_id);
  q.run();
}

}  // namespace ferry::state
