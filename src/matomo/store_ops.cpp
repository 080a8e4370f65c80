// The Matomo pipeline's lines on the status page and in the metrics file: per site, the days
// imported, the last one, the objects still to import, hits Matomo tracked, archives waiting
// for upload and archive commands that failed.
#include <SQLiteCpp/Statement.h>

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
  SQLite::Statement d(store.db(),
                      "SELECT site, count(*), max(day) FROM (SELECT site, day FROM matomo_objects "
                      "GROUP BY site, day HAVING sum(status <> 'imported') = 0) GROUP BY site");
  while (d.executeStep()) {
    auto& r = out[d.getColumn(0).getString()];
    r.days_imported = d.getColumn(1).getInt64();
    r.last_day = d.getColumn(2).getString();
  }
  SQLite::Statement o(store.db(),
                      "SELECT site, sum(status = 'pending'), sum(status = 'importing'), "
                      "sum(status = 'imported'), sum(tracked) FROM matomo_objects GROUP BY site");
  while (o.executeStep()) {
    auto& r = out[o.getColumn(0).getString()];
    r.pending = o.getColumn(1).getInt64();
    r.importing = o.getColumn(2).getInt64();
    r.imported = o.getColumn(3).getInt64();
    r.tracked = o.getColumn(4).getInt64();
  }
  SQLite::Statement a(
      store.db(),
      "SELECT site, sum(archive_status = 'pending'), sum(command_status = 'failed') "
      "FROM matomo_days GROUP BY site");
  while (a.executeStep()) {
    auto& r = out[a.getColumn(0).getString()];
    r.archives_pending = a.getColumn(1).getInt64();
    r.commands_failed = a.getColumn(2).getInt64();
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
