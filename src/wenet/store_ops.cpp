// The WeNet pipeline's lines on the status page and in the metrics file: the report jobs made
// (window, status, files, rows) and the analytics still left on the logger.
#include "ferry/sql/statement.h"

#include "ferry/wenet/pipeline.h"
#include "wenet/ops.h"

namespace ferry::wenet {
namespace {

constexpr int kReports = 10;

std::vector<std::pair<std::string, int64_t>> analytics_left(state::Store& store) {
  sql::Statement q(store.db(), "SELECT instance, count(*) FROM wenet_analytics GROUP BY instance");
  std::vector<std::pair<std::string, int64_t>> out;
  while (q.step()) out.emplace_back(q.column(0).text(), q.column(1).int64());
  return out;
}

}  // namespace

std::vector<core::StatusSection> status_sections(state::Store& store, TimePoint) {
  core::StatusSection reports;
  reports.title = "WeNet reports";
  reports.columns = {"job", "from", "to", "status", "files", "rows", "finished"};
  reports.empty_note = "No WeNet report job yet.";
  sql::Statement q(store.db(),
                   "SELECT j.id, coalesce(j.from_date, ''), coalesce(j.to_date, ''), j.status, "
                   "count(o.id), coalesce(sum(o.rows), 0), coalesce(j.finished_at, '') "
                   "FROM jobs j LEFT JOIN job_outputs o ON o.job_id = j.id WHERE j.kind = ? "
                   "GROUP BY j.id ORDER BY j.id DESC LIMIT ?");
  q.bind(1, kReportKind);
  q.bind(2, kReports);
  while (q.step())
    reports.rows.push_back({"#" + q.column(0).text(), q.column(1).text(), q.column(2).text(),
                            q.column(3).text(), q.column(4).text(), q.column(5).text(),
                            q.column(6).text()});
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
