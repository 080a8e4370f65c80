// The CAKE pipeline's lines on the status page and in the metrics file: the Currencies cache
// per admin instance (jobs, outputs and the daily mark are shown by the core).
#include "ferry/sql/statement.h"

#include "cake/ops.h"

namespace ferry::cake {
namespace {

struct CacheRow {
  std::string admin_url;
  int64_t currencies = 0;
  std::string fetched_at;  // the oldest entry's
};

std::vector<CacheRow> caches(state::Store& store) {
  sql::Statement q(store.db(),
                   "SELECT admin_url, count(*), min(fetched_at) FROM cake_currencies "
                   "GROUP BY admin_url ORDER BY admin_url");
  std::vector<CacheRow> out;
  while (q.step()) out.push_back({q.column(0).text(), q.column(1).int64(), q.column(2).text()});
  return out;
}

}  // namespace

std::vector<core::StatusSection> status_sections(state::Store& store, TimePoint) {
  core::StatusSection s;
  s.title = "CAKE currencies cache";
  s.columns = {"admin URL", "currencies", "fetched"};
  s.empty_note = "No Currencies table cached (no CAKE export ran yet).";
  for (const auto& c : caches(store))
    s.rows.push_back({c.admin_url, std::to_string(c.currencies), c.fetched_at});
  return {s};
}

std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint now) {
  core::MetricFamily age{
      "ferry_cake_currencies_age_seconds",
      "Seconds since the cached CAKE Currencies table was fetched, by admin URL.",
      "gauge",
      {}};
  const auto now_s = std::chrono::duration_cast<Seconds>(now.time_since_epoch()).count();
  for (const auto& c : caches(store))
    if (auto at = parse_iso8601(c.fetched_at))
      age.samples.push_back(
          {{{"admin_url", c.admin_url}},
           static_cast<double>(
               now_s - std::chrono::duration_cast<Seconds>(at->time_since_epoch()).count())});
  return {age};
}

}  // namespace ferry::cake
