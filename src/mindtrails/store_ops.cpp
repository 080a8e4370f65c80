// The MindTrails pipeline's lines on the status page and in the metrics file: per server, its
// tables, when a table's export last moved, and its server-side deletes by status (each
// table's benchmark is a mark, shown by the core).
#include "ferry/sql/statement.h"

#include <map>

#include "mindtrails/ops.h"

namespace ferry::mindtrails {
namespace {

struct ServerRow {
  int64_t tables = 0, snapshots = 0, undeleteable = 0;
  std::string last_export;
  std::map<std::string, int64_t> deletes;  // status -> rows
};

std::map<std::string, ServerRow> servers(state::Store& store) {
  std::map<std::string, ServerRow> out;
  sql::Statement t(
      store.db(),
      "SELECT server, count(*), sum(CASE WHEN deleteable = 0 THEN 1 ELSE 0 END), max(updated_at) "
      "FROM mindtrails_tables GROUP BY server");
  while (t.step()) {
    auto& r = out[t.column(0).text()];
    r.tables = t.column(1).int64();
    r.undeleteable = t.column(2).int64();
    r.last_export = t.column(3).text();
  }
  sql::Statement s(store.db(),
                   "SELECT server, count(*), max(updated_at) FROM mindtrails_snapshots "
                   "GROUP BY server");
  while (s.step()) {
    auto& r = out[s.column(0).text()];
    r.snapshots = s.column(1).int64();
    r.last_export = std::max(r.last_export, s.column(2).text());
  }
  sql::Statement d(store.db(),
                   "SELECT server, status, count(*) FROM mindtrails_deletes "
                   "GROUP BY server, status");
  while (d.step()) out[d.column(0).text()].deletes[d.column(1).text()] = d.column(2).int64();
  return out;
}

int64_t count(const std::map<std::string, int64_t>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

}  // namespace

std::vector<core::StatusSection> status_sections(state::Store& store, TimePoint) {
  core::StatusSection s;
  s.title = "MindTrails servers";
  s.columns = {"server",          "tables",       "snapshot tables",      "last export",
               "deletes pending", "deletes kept", "tables not deleteable"};
  s.empty_note = "No MindTrails table exported yet.";
  for (const auto& [name, r] : servers(store))
    s.rows.push_back({name, std::to_string(r.tables), std::to_string(r.snapshots), r.last_export,
                      std::to_string(count(r.deletes, "pending")),
                      std::to_string(count(r.deletes, "kept")), std::to_string(r.undeleteable)});
  return {s};
}

std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint) {
  core::MetricFamily tables{"ferry_mindtrails_tables",
                            "Tables a MindTrails server's export has state for, by server.",
                            "gauge",
                            {}};
  core::MetricFamily deletes{"ferry_mindtrails_deletes",
                             "Server-side deletes of exported rows, by server and status.",
                             "gauge",
                             {}};
  for (const auto& [name, r] : servers(store)) {
    tables.samples.push_back({{{"server", name}}, static_cast<double>(r.tables + r.snapshots)});
    for (const char* status : {"pending", "deleted", "gone", "kept"})
      deletes.samples.push_back(
          {{{"server", name}, {"status", status}}, static_cast<double>(count(r.deletes, status))});
  }
  return {tables, deletes};
}

}  // namespace ferry::mindtrails
