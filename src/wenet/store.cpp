#include "ferry/wenet/store.h"

#include "ferry/sql/statement.h"

namespace ferry::wenet {
namespace {

const char* kAnalytics = R"sql(
CREATE TABLE wenet_analytics (
  id       TEXT NOT NULL PRIMARY KEY,  -- the logger's analytic id
  instance TEXT NOT NULL,              -- the platform (wenet.instance) it was created on
  created  TEXT NOT NULL,              -- when it was created (ISO-8601 UTC, wall clock)
  run      INTEGER NOT NULL DEFAULT 0  -- runs.id of the run that created it (0: no run)
);
)sql";

}  // namespace

std::vector<state::Migration> migrations() {
  return {{1, "analytics to delete", kAnalytics}};
}

void WenetStore::add_analytic(const std::string& id, const std::string& instance, TimePoint created,
                              int64_t run) {
  store_.transaction([&] {
    sql::Statement q(store_.db(),
                     "INSERT INTO wenet_analytics(id, instance, created, run) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                     "instance = excluded.instance, created = excluded.created, "
                     "run = excluded.run");
    q.bind(1, id);
    q.bind(2, instance);
    q.bind(3, format_iso8601(created));
    q.bind(4, static_cast<int64_t>(run));
    q.run();
  });
}

void WenetStore::remove_analytic(const std::string& id) {
  store_.transaction([&] {
    sql::Statement q(store_.db(), "DELETE FROM wenet_analytics WHERE id = ?");
    q.bind(1, id);
    q.run();
  });
}

std::vector<StoredAnalytic> WenetStore::analytics(const std::string& instance) {
  sql::Statement q(store_.db(),
                   "SELECT id, instance, created, run FROM wenet_analytics "
                   "WHERE instance = ? ORDER BY created, id");
  q.bind(1, instance);
  std::vector<StoredAnalytic> out;
  while (q.step())
    out.push_back(
        {q.column(0).text(), q.column(1).text(), q.column(2).text(), q.column(3).int64()});
  return out;
}

}  // namespace ferry::wenet
