// The Matomo pipeline's lines on the status page and in the metrics file: per site, the days
// imported, the last one, the objects still to import, hits Matomo tracked, archives waiting
// for upload and archive commands that failed.
#include "ferry/sql/statement.h"

#include <map>

#include "matomo/ops.h"

namespace ferry::matomo {
namespace {

struct SiteRow {
  int64_t days_imported = 0, pending = 0, importing = 0, imported = 0, tracked = 0;
  std::string last_day;
  int64_t archives_pending = 0, commands_failed = 0;
};

std::map<std::string, SiteRow> sites(state::Store& store) {
  std::map<std::string, SiteRow> out;
  // A day is imported when it has objects and none is left to import.
  sql::Statement d(store.db(),
                   "SELECT site, count(*), max(day) FROM (SELECT site, day FROM matomo_objects "
                   "GROUP BY site, day HAVING sum(CASE WHEN status <> 'imported' THEN 1 ELSE 0 "
                   "END) = 0) AS d GROUP BY site");
  while (d.step()) {
    auto& r = out[d.column(0).text()];
    r.days_imported = d.column(1).int64();
    r.last_day = d.column(2).text();
  }
  sql::Statement o(store.db(),
                   "SELECT site, sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), sum(CASE "
                   "WHEN status = 'importing' THEN 1 ELSE 0 END), "
                   "sum(CASE WHEN status = 'imported' THEN 1 ELSE 0 END), sum(tracked) FROM "
                   "matomo_objects GROUP BY site");
  while (o.step()) {
    auto& r = out[o.column(0).text()];
    r.pending = o.column(1).int64();
    r.importing = o.column(2).int64();
    r.imported = o.column(3).int64();
    r.tracked = o.column(4).int64();
  }
  sql::Statement a(store.db(),
                   "SELECT site, sum(CASE WHEN archive_status = 'pending' THEN 1 ELSE 0 END), "
                   "sum(CASE WHEN command_status = 'failed' THEN 1 ELSE 0 END) "
                   "FROM matomo_days GROUP BY site");
  while (a.step()) {
    auto& r = out[a.column(0).text()];
    r.archives_pending = a.column(1).int64();
    r.commands_failed = a.column(2).int64();
  }
  return out;
}

}  // namespace

std::vector<core::StatusSection> status_sections(state::Store& store, TimePoint) {
  core::StatusSection s;
  s.title = "Matomo sites";
  s.columns = {"site",         "days imported",    "last day imported", "objects to import",
               "hits tracked", "archives pending", "commands failed"};
  s.empty_note = "No Matomo log imported yet.";
  for (const auto& [site, r] : sites(store))
    s.rows.push_back({site, std::to_string(r.days_imported), r.last_day,
                      std::to_string(r.pending + r.importing), std::to_string(r.tracked),
                      std::to_string(r.archives_pending), std::to_string(r.commands_failed)});
  return {s};
}

std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint) {
  core::MetricFamily objects{
      "ferry_matomo_objects", "Log objects selected for import, by site and status.", "gauge", {}};
  core::MetricFamily days{"ferry_matomo_days_imported",
                          "Upload days whose every log object is imported, by site.",
                          "gauge",
                          {}};
  core::MetricFamily archives{"ferry_matomo_archives_pending",
                              "Imported days whose archive is not uploaded yet, by site.",
                              "gauge",
                              {}};
  for (const auto& [site, r] : sites(store)) {
    objects.samples.push_back({{{"site", site}, {"status", "pending"}}, double(r.pending)});
    objects.samples.push_back({{{"site", site}, {"status", "importing"}}, double(r.importing)});
    objects.samples.push_back({{{"site", site}, {"status", "imported"}}, double(r.imported)});
    days.samples.push_back({{{"site", site}}, static_cast<double>(r.days_imported)});
    archives.samples.push_back({{{"site", site}}, static_cast<double>(r.archives_pending)});
  }
  return {objects, days, archives};
}

}  // namespace ferry::matomo
