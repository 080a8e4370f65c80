#include "ferry/cake/store.h"

#include "ferry/sql/statement.h"

namespace ferry::cake {
namespace {

const char* kCurrencies = R"sql(
CREATE TABLE cake_currencies (
  admin_url   TEXT NOT NULL,                -- which CAKE instance
  currency_id TEXT NOT NULL,                -- the id as text, as rows carry it
  abbr        TEXT NOT NULL,                -- e.g. USD
  fetched_at  TEXT NOT NULL,
  PRIMARY KEY (admin_url, currency_id)
);
)sql";

}  // namespace

std::vector<state::Migration> migrations() {
  return {{1, "currency cache", kCurrencies}};
}

std::optional<CachedCurrencies> CakeStore::currencies(const std::string& admin_url) {
  sql::Statement q(store_.db(),
                   "SELECT currency_id, abbr, fetched_at FROM cake_currencies "
                   "WHERE admin_url = ? ORDER BY currency_id");
  q.bind(1, admin_url);
  CachedCurrencies out;
  std::optional<TimePoint> oldest;
  while (q.step()) {
    out.abbr_by_id[q.column(0).text()] = q.column(1).text();
    auto at = parse_iso8601(q.column(2).text());
    TimePoint t = at ? *at : TimePoint{};  // unreadable: as old as can be, so it is refreshed
    if (!oldest || t < *oldest) oldest = t;
  }
  if (!oldest) return std::nullopt;
  out.fetched_at = *oldest;
  return out;
}

void CakeStore::replace_currencies(const std::string& admin_url,
                                   const std::unordered_map<std::string, std::string>& abbr_by_id,
                                   TimePoint fetched_at) {
  std::string at = format_iso8601(fetched_at);
  // Another host may be refreshing the same cache at once (a shared state): on PostgreSQL its
  // rows, not yet committed, are invisible to the DELETE, so each insert is an upsert.
  store_.transaction([&] {
    sql::Statement del(store_.db(), "DELETE FROM cake_currencies WHERE admin_url = ?");
    del.bind(1, admin_url);
    del.run();
    sql::Statement ins(store_.db(),
                       "INSERT INTO cake_currencies(admin_url, currency_id, abbr, fetched_at) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT(admin_url, currency_id) DO UPDATE SET "
                       "abbr = excluded.abbr, fetched_at = excluded.fetched_at");
    for (const auto& [id, abbr] : abbr_by_id) {
      ins.bind(1, admin_url);
      ins.bind(2, id);
      ins.bind(3, abbr);
      ins.bind(4, at);
      ins.run();
      ins.reset();
    }
  });
}

}  // namespace ferry::cake
