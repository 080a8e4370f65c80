#include "ferry/state/jobs.h"

#include "ferry/sql/statement.h"

#include <cstring>
#include <map>

namespace ferry::state {
namespace {

const char* kWords[] = {"queued", "running", "succeeded", "failed", "cancelled"};

const char* kJobColumns =
    "id, kind, status, coalesce(from_date,''), coalesce(to_date,''), params, attempts, "
    "failures, progress_done, progress_total, checkpoint, error, created_at, "
    "coalesce(started_at,''), "
    "coalesce(finished_at,''), updated_at, coalesce(not_before,''), crashes, coalesce(run_id, 0)";

Job read_job(sql::Statement& q, const Store& store) {
  Job j;
  j.id = q.column(0).int64();
  j.kind = q.column(1).text();
  j.status = parse_status(q.column(2).text()).value_or(JobStatus::kFailed);
  j.from_date = q.column(3).text();
  j.to_date = q.column(4).text();
  j.params = q.column(5).text();
  j.attempts = q.column(6).integer();
  j.failures = q.column(7).integer();
  j.progress_done = q.column(8).int64();
  j.progress_total = q.column(9).int64();
  j.checkpoint = q.column(10).text();
  j.error = store.scrub(q.column(11).text());  // rows written before scrubbing
  j.created_at = q.column(12).text();
  j.started_at = q.column(13).text();
  j.finished_at = q.column(14).text();
  j.updated_at = q.column(15).text();
  j.not_before = q.column(16).text();
  j.crashes = q.column(17).integer();
  j.run_id = q.column(18).int64();
  return j;
}

}  // namespace

const char* status_word(JobStatus s) {
  return kWords[static_cast<int>(s)];
}

std::optional<JobStatus> parse_status(const std::string& word) {
  for (int i = 0; i < 5; ++i)
    if (word == kWords[i]) return static_cast<JobStatus>(i);
  return std::nullopt;
}

bool job_transition_allowed(JobStatus from, JobStatus to) {
  using S = JobStatus;
  switch (from) {
    case S::kQueued:
      return to == S::kRunning || to == S::kCancelled;
    case S::kRunning:
      return to == S::kQueued || to == S::kSucceeded || to == S::kFailed || to == S::kCancelled;
    case S::kFailed:
    case S::kCancelled:
      return to == S::kQueued;
    case S::kSucceeded:
      return false;
  }
  return false;
}

int64_t JobStore::enqueue(const std::string& kind, const std::string& from, const std::string& to,
                          const std::string& params, TimePoint now) {
  sql::Statement q(
      store_.db(),
      "INSERT INTO jobs(kind, status, from_date, to_date, params, created_at, "
      "updated_at) VALUES (?, 'queued', nullif(?, ''), nullif(?, ''), ?, ?, ?) RETURNING id");
  std::string t = format_iso8601(now);
  q.bind(1, kind);
  q.bind(2, from);
  q.bind(3, to);
  q.bind(4, params);
  q.bind(5, t);
  q.bind(6, t);
  return q.inserted_id();
}

std::optional<Job> JobStore::get(int64_t id) {
  sql::Statement q(store_.db(), std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  Job j = read_job(q, store_);
  std::vector<Job> one{std::move(j)};
  attach_outputs(one);
  attach_owners(one);
  return std::move(one.front());
}

void JobStore::attach_owners(std::vector<Job>& jobs) {
  std::string ids;
  std::map<int64_t, Job*> running;
  for (auto& j : jobs) {
    if (j.status != JobStatus::kRunning) continue;
    ids += (running.empty() ? "" : ",") + std::to_string(j.id);
    running[j.id] = &j;
  }
  if (running.empty()) return;
  sql::Statement q(store_.db(),
                   "SELECT j.id, r.host, r.pid FROM jobs j JOIN runs r ON r.id = j.run_id "
                   "WHERE j.id IN " +
                       store_.json_ints());
  q.bind(1, "[" + ids + "]");
  auto add = [&](sql::Statement& q) {
    while (q.step()) {
      std::string host = q.column(1).text();
      std::string who =
          (host.empty() ? "" : host + " ") + "pid " + std::to_string(q.column(2).int64());
      std::string& owner = running[q.column(0).int64()]->owner;
      if (owner.find(who) == std::string::npos) owner += (owner.empty() ? "" : ", ") + who;
    }
  };
  add(q);
  // Other runs working on units of the same jobs (independent units).
  sql::Statement u(store_.db(),
                   "SELECT DISTINCT u.job_id, r.host, r.pid FROM job_units u JOIN runs r ON "
                   "r.id = u.run_id WHERE u.done_at IS NULL AND r.outcome = 'running' AND "
                   "u.job_id IN " +
                       store_.json_ints() + " ORDER BY u.job_id, r.pid");
  u.bind(1, "[" + ids + "]");
  add(u);
}

std::optional<int64_t> JobStore::find_active(const std::string& kind, const std::string& from,
                                             const std::string& to, const std::string& params) {
  sql::Statement q(store_.db(),
                   "SELECT id FROM jobs WHERE status IN ('queued','running') AND kind = ? AND "
                   "coalesce(from_date,'') = ? AND coalesce(to_date,'') = ? AND params = ? "
                   "ORDER BY id LIMIT 1");
  q.bind(1, kind);
  q.bind(2, from);
  q.bind(3, to);
  q.bind(4, params);
  if (!q.step()) return std::nullopt;
  return q.column(0).int64();
}

std::vector<Job> JobStore::list(const ListFilter& f, TimePoint now) {
  std::string sql = std::string("SELECT ") + kJobColumns +
                    " FROM jobs WHERE (? = '' OR status = ?)" + " AND (? = '' OR kind = ?)";
  if (!f.all) sql += " AND (status IN ('queued','running','failed') OR finished_at >= ?)";
  sql += " ORDER BY id DESC LIMIT ?";
  sql::Statement q(store_.db(), sql);
  int n = 1;
  for (const std::string* v : {&f.status, &f.status, &f.kind, &f.kind}) q.bind(n++, *v);
  if (!f.all) q.bind(n++, format_iso8601(now - std::chrono::hours(24 * 7)));
  q.bind(n, f.limit);
  std::vector<Job> out;
  while (q.step()) out.push_back(read_job(q, store_));
  attach_outputs(out);
  attach_owners(out);
  return out;
}

std::optional<Job> JobStore::next_queued(int64_t after_id, TimePoint now) {
  sql::Statement q(store_.db(), std::string("SELECT ") + kJobColumns +
                                    " FROM jobs WHERE status = 'queued' AND id > ? AND "
                                    "(not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT 1");
  q.bind(1, after_id);
  q.bind(2, format_iso8601(now));
  if (!q.step()) return std::nullopt;
  Job j = read_job(q, store_);
  std::vector<Job> one{std::move(j)};
  attach_outputs(one);
  return std::move(one.front());
}

std::optional<Job> JobStore::next_running(int64_t after_id) {
  sql::Statement q(store_.db(), std::string("SELECT ") + kJobColumns +
                                    " FROM jobs WHERE status = 'running' AND id > ? AND "
                                    "coalesce(run_id, 0) <> ? ORDER BY id LIMIT 1");
  q.bind(1, after_id);
  q.bind(2, store_.lease_holder());
  if (!q.step()) return std::nullopt;
  return read_job(q, store_);
}

std::vector<Job> JobStore::orphaned() {
  sql::Statement q(store_.db(), std::string("SELECT ") + kJobColumns +
                                    " FROM jobs WHERE status = 'running' AND NOT EXISTS "
                                    "(SELECT 1 FROM runs r WHERE r.id = jobs.run_id AND "
                                    "r.outcome = 'running') AND NOT EXISTS (SELECT 1 FROM "
                                    "job_units u JOIN runs r ON r.id = u.run_id WHERE "
                                    "u.job_id = jobs.id AND u.done_at IS NULL AND "
                                    "r.outcome = 'running') ORDER BY id");
  std::vector<Job> out;
  while (q.step()) out.push_back(read_job(q, store_));
  return out;
}

bool JobStore::adopt(int64_t id, int64_t from, int64_t to) {
  sql::Statement q(store_.db(),
                   "UPDATE jobs SET run_id = ? WHERE id = ? AND status = 'running' AND "
                   "coalesce(run_id, 0) = ?");
  q.bind(1, to);
  q.bind(2, id);
  q.bind(3, from);
  return q.run() == 1;
}

std::string JobStore::fence() const {
  int64_t holder = store_.lease_holder();
  if (holder == 0) return "";
  const std::string h = std::to_string(holder);
  if (units_shared_)
    return " AND (status <> 'running' OR run_id = " + h +
           " OR EXISTS (SELECT 1 FROM runs r WHERE r.id = " + h + " AND r.outcome = 'running'))";
  return " AND (status <> 'running' OR run_id = " + h + ")";
}

JobCounts JobStore::counts() {
  sql::Statement q(store_.db(), "SELECT status, count(*) FROM jobs GROUP BY status");
  JobCounts c;
  while (q.step()) {
    auto s = parse_status(q.column(0).text());
    int64_t n = q.column(1).int64();
    if (!s) continue;
    switch (*s) {
      case JobStatus::kQueued:
        c.queued = n;
        break;
      case JobStatus::kRunning:
        c.running = n;
        break;
      case JobStatus::kSucceeded:
        c.succeeded = n;
        break;
      case JobStatus::kFailed:
        c.failed = n;
        break;
      case JobStatus::kCancelled:
        c.cancelled = n;
        break;
    }
  }
  return c;
}

bool JobStore::start(int64_t id, int64_t run_id, TimePoint now) {
  sql::Statement q(store_.db(),
                   "UPDATE jobs SET status = 'running', attempts = attempts + 1, run_id = ?, "
                   "started_at = coalesce(started_at, ?), updated_at = ?, finished_at = NULL, "
                   "not_before = NULL WHERE id = ? AND status = 'queued'");
  std::string t = format_iso8601(now);
  q.bind(1, run_id);
  q.bind(2, t);
  q.bind(3, t);
  q.bind(4, id);
  return q.run() == 1;
}

bool JobStore::wait(int64_t id, TimePoint until, bool uncount_attempt, TimePoint now) {
  sql::Statement q(store_.db(),
                   "UPDATE jobs SET status = 'queued', not_before = ?, error = '', "
                   "attempts = CASE WHEN attempts > ? THEN attempts - ? ELSE 0 END, "
                   "updated_at = ?, finished_at = NULL WHERE id = ? AND status = 'running'" +
                       fence());
  q.bind(1, format_iso8601(until));
  q.bind(2, uncount_attempt ? 1 : 0);
  q.bind(3, uncount_attempt ? 1 : 0);
  q.bind(4, format_iso8601(now));
  q.bind(5, id);
  return q.run() == 1;
}

void JobStore::commit_unit(int64_t id, const std::string& checkpoint, int64_t done, int64_t total,
                           const std::vector<JobOutput>& outputs, TimePoint now,
                           const std::function<void()>& also) {
  std::string t = format_iso8601(now);
  store_.transaction([&] {
    sql::Statement q(store_.db(),
                     "UPDATE jobs SET checkpoint = ?, progress_done = ?, progress_total = ?, "
                     "updated_at = ? WHERE id = ?" +
                         fence());
    q.bind(1, checkpoint);
    q.bind(2, done);
    q.bind(3, total);
    q.bind(4, t);
    q.bind(5, id);
    if (q.run() == 0 && get(id)) {
      throw LeaseLost("job " + std::to_string(id) +
                      " was taken over by another run after this run's lease ran out; its "
                      "unit is dropped");
    }
    record_outputs(id, outputs, t);
    if (also) also();
  });
}

void JobStore::set_total(int64_t id, int64_t total, TimePoint now) {
  sql::Statement q(store_.db(),
                   "UPDATE jobs SET progress_total = ?, updated_at = ? WHERE id = ?" + fence());
  q.bind(1, total);
  q.bind(2, format_iso8601(now));
  q.bind(3, id);
  q.run();
}

bool JobStore::move(int64_t id, JobStatus to, const std::string& error, TimePoint now) {
  auto job = get(id);
  if (!job || !job_transition_allowed(job->status, to)) return false;
  bool final =
      to == JobStatus::kSucceeded || to == JobStatus::kFailed || to == JobStatus::kCancelled;
  sql::Statement q(store_.db(),
                   "UPDATE jobs SET status = ?, error = ?, updated_at = ?, "
                   "finished_at = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ? AND status = ?" +
                       fence());
  std::string t = format_iso8601(now);
  q.bind(1, status_word(to));
  q.bind(2, store_.scrub(error));
  q.bind(3, t);
  q.bind(4, final ? 1 : 0);
  q.bind(5, t);
  q.bind(6, id);
  q.bind(7, status_word(job->status));
  return q.run() == 1;
}

bool JobStore::finish(int64_t id, JobStatus to, const std::string& error, TimePoint now) {
  return move(id, to, error, now);
}

bool JobStore::cancel(int64_t id, TimePoint now, std::string* why) {
  auto job = get(id);
  if (!job) return *why = "no job " + std::to_string(id), false;
  if (!job_transition_allowed(job->status, JobStatus::kCancelled))
    return *why = "job " + std::to_string(id) + " is " + status_word(job->status), false;
  return move(id, JobStatus::kCancelled, "cancelled by operator", now);
}

bool JobStore::retry(int64_t id, TimePoint now, std::string* why) {
  auto job = get(id);
  if (!job) return *why = "no job " + std::to_string(id), false;
  if (job->status != JobStatus::kFailed && job->status != JobStatus::kCancelled)
    return *why = "job " + std::to_string(id) + " is " + status_word(job->status) +
                  "; only failed or cancelled jobs can be retried",
           false;
  sql::Statement q(store_.db(), "UPDATE jobs SET failures = 0, crashes = 0 WHERE id = ?");
  q.bind(1, id);
  q.run();
  return move(id, JobStatus::kQueued, "", now);
}

namespace {

// Adds one to `column` (failures or crashes) of a job, with its error; returns the new count.
int count_up(Store& store, const char* column, int64_t id, const std::string& error, TimePoint now,
             const std::string& fence) {
  const std::string c = column;
  sql::Statement q(store.db(), "UPDATE jobs SET " + c + " = " + c +
                                   " + 1, error = ?, updated_at = ? WHERE id = ?" + fence);
  q.bind(1, store.scrub(error));
  q.bind(2, format_iso8601(now));
  q.bind(3, id);
  q.run();
  sql::Statement r(store.db(), "SELECT " + c + " FROM jobs WHERE id = ?");
  r.bind(1, id);
  return r.step() ? r.column(0).integer() : 0;
}

}  // namespace

int JobStore::add_failure(int64_t id, const std::string& error, TimePoint now) {
  return count_up(store_, "failures", id, error, now, fence());
}

int JobStore::add_crash(int64_t id, const std::string& error, TimePoint now) {
  return count_up(store_, "crashes", id, error, now, fence());
}

}  // namespace ferry::state
