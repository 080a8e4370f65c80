// The WeNet pipeline's lines on the status page and in the metrics file: the report jobs made
// (window, status, files, rows) and the analytics still left on the logger.
#include <SQLiteCpp/Statement.h>

#include "ferry/wenet/pipeline.h"
#include "wenet/ops.h"

namespace ferry::wenet {
namespace {

constexpr int kReports = 10;

std::vector<std::pair<std::string, int64_t>> analytics_left(state::Store& store) {
  SQLite::Statement q(store.db(),
                      "SELECT instance, count(*) FROM wenet_analytics GROUP BY instance");
  std::vector<std::pair<std::string, int64_t>> out;
  while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
  return out;
}

}  // namespace

std::vector<core::StatusSection> status_sections(state::Store& store, TimePoint) {
  core::StatusSection reports;
  reports.title = "WeNet reports";
  reports.columns = {"job", "from", "to", "status", "files", "rows", "finished"};
  reports.empty_note = "No WeNet report job yet.";
  SQLite::Statement q(store.db(),
                      "SELECT j.id, coalesce(j.from_date, ''), coalesce(j.to_date, ''), j.status, "
                      "count(o.id), coalesce(sum(o.rows), 0), coalesce(j.finished_at, '') "
                      "FROM jobs j LEFT JOIN job_outputs o ON o.job_id = j.id WHERE j.kind = ? "
                      "GROUP BY j.id ORDER BY j.id DESC LIMIT ?");
  q.bind(1, kReportKind);
  q.bind(2, kReports);
  while (q.executeStep())
    reports.rows.push_back({"#" + q.getColumn(0).getString(), q.getColumn(1).getString(),
                            q.getColumn(2).getString(), q.getColumn(3).getString(),
                            q.getColumn(4).getString(), q.getColumn(5).getString(),
                            q.getColumn(6).getString()});
  core::StatusSection left;
  left.title = "WeNet analytics left on the logger";
  left.columns = {"instance", "analytics (deleted by the next report run)"};
  left.empty_note = "None: every analytic a report made was deleted.";
  for (const auto& [instance, n] : analytics_left(store))
    left.rows.push_back({instance, std::to_string(n)});
  return {reports, left};
}

std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint) {
  core::MetricFamily left{"ferry_wenet_analytics_left",
                          "Analytics a report made on the WeNet logger and not yet deleted, by "
                          "instance.",
                          "gauge",
                          {}};
  for (const auto& [instance, n] : analytics_left(store))
    left.samples.push_back({{{"instance", instance}}, static_cast<double>(n)});
  return {left};
}

}  // namespace ferry::wenet
