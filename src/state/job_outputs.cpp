// The job_outputs side of the job store: the files jobs recorded, read with their jobs and
// written with their units. Members of JobStore (jobs.h).
#include "ferry/sql/statement.h"
#include "ferry/state/jobs.h"

#include <map>

namespace ferry::state {

void JobStore::attach_outputs(std::vector<Job>& jobs) {
  if (jobs.empty()) return;
  std::string ids = "[";
  std::map<int64_t, Job*> by_id;
  for (auto& j : jobs) {
    ids += (by_id.empty() ? "" : ",") + std::to_string(j.id);
    by_id[j.id] = &j;
  }
  ids += "]";
  // One query for all the jobs, however many are listed.
  sql::Statement q(store_.db(),
                   "SELECT job_id, name, path, s3_target, s3_key, size, sha256, rows, link, "
                   "coalesce(link_expires_at,''), created_at, s3_endpoint, s3_region, "
                   "s3_bucket, s3_object_key FROM job_outputs "
                   "WHERE job_id IN " +
                       store_.json_ints() + " ORDER BY id");
  q.bind(1, ids);
  while (q.step()) {
    JobOutput o;
    o.name = q.column(1).text();
    o.path = q.column(2).text();
    o.s3_target = q.column(3).text();
    o.s3_key = q.column(4).text();
    o.size = q.column(5).int64();
    o.sha256 = q.column(6).text();
    o.rows = q.column(7).int64();
    o.link = q.column(8).text();
    o.link_expires_at = q.column(9).text();
    o.created_at = q.column(10).text();
    o.s3_endpoint = q.column(11).text();
    o.s3_region = q.column(12).text();
    o.s3_bucket = q.column(13).text();
    o.s3_object_key = q.column(14).text();
    by_id.at(q.column(0).int64())->outputs.push_back(std::move(o));
  }
}

void JobStore::record_outputs(int64_t id, const std::vector<JobOutput>& outputs,
                              const std::string& at) {
  for (const auto& o : outputs) {
    sql::Statement ins(
        store_.db(),
        "INSERT INTO job_outputs(job_id, name, path, s3_target, s3_key, size, sha256, rows, "
        "link, link_expires_at, created_at, s3_endpoint, s3_region, s3_bucket, s3_object_key) "
        "VALUES (?,?,?,?,?,?,?,?,?,nullif(?,''),?,?,?,?,?) "
        "ON CONFLICT(job_id, name) DO UPDATE SET path=excluded.path, "
        "s3_target=excluded.s3_target, s3_key=excluded.s3_key, size=excluded.size, "
        "sha256=excluded.sha256, rows=excluded.rows, link=excluded.link, "
        "link_expires_at=excluded.link_expires_at, s3_endpoint=excluded.s3_endpoint, "
        "s3_region=excluded.s3_region, s3_bucket=excluded.s3_bucket, "
        "s3_object_key=excluded.s3_object_key");
    ins.bind(1, id);
    ins.bind(2, o.name);
    ins.bind(3, o.path);
    ins.bind(4, o.s3_target);
    ins.bind(5, o.s3_key);
    ins.bind(6, o.size);
    ins.bind(7, o.sha256);
    ins.bind(8, o.rows);
    ins.bind(9, o.link);
    ins.bind(10, o.link_expires_at);
    ins.bind(11, at);
    ins.bind(12, o.s3_endpoint);
    ins.bind(13, o.s3_region);
    ins.bind(14, o.s3_bucket);
    ins.bind(15, o.s3_object_key);
    ins.run();
  }
}

void JobStore::set_link(int64_t id, const std::string& name, const std::string& link,
                        const std::string& expires_at) {
  sql::Statement q(store_.db(),
                   "UPDATE job_outputs SET link = ?, link_expires_at = ? "
                   "WHERE job_id = ? AND name = ?");
  q.bind(1, link);
  q.bind(2, expires_at);
  q.bind(3, id);
  q.bind(4, name);
  q.run();
}

}  // namespace ferry::state
