// MatomoStore: the per-day records (archive, archive_command) and the statistics.
#include "ferry/sql/statement.h"

#include "ferry/matomo/store.h"

namespace ferry::matomo {

void MatomoStore::ensure_day(const std::string& site, const std::string& day, TimePoint now) {
  sql::Statement q(store_.db(),
                   "INSERT INTO matomo_days(site, day, updated_at) VALUES (?,?,?) "
                   "ON CONFLICT DO NOTHING");
  q.bind(1, site);
  q.bind(2, day);
  q.bind(3, format_iso8601(now));
  q.run();
}

DayRecord MatomoStore::day(const std::string& site, const std::string& day) {
  sql::Statement q(store_.db(),
                   "SELECT archive_status, archive_key, archive_size, archive_members, "
                   "archive_failures, archive_error, archived_at, command_status, "
                   "command_note FROM matomo_days WHERE site = ? AND day = ?");
  q.bind(1, site);
  q.bind(2, day);
  DayRecord d;
  d.site = site;
  d.day = day;
  if (!q.step()) return d;
  d.archive_status = q.column(0).text();
  d.archive_key = q.column(1).text();
  d.archive_size = q.column(2).int64();
  d.archive_members = q.column(3).int64();
  d.archive_failures = q.column(4).int64();
  d.archive_error = q.column(5).text();
  d.archived_at = q.column(6).text();
  d.command_status = q.column(7).text();
  d.command_note = q.column(8).text();
  return d;
}

void MatomoStore::archive_uploaded(const std::string& site, const std::string& day,
                                   const std::string& key, int64_t size, int64_t members,
                                   TimePoint now) {
  store_.transaction([&] {
    ensure_day(site, day, now);
    sql::Statement q(store_.db(),
                     "UPDATE matomo_days SET archive_status = 'uploaded', archive_key = ?, "
                     "archive_size = ?, archive_members = ?, archive_failures = 0, "
                     "archive_error = '', archived_at = ?, updated_at = ? "
                     "WHERE site = ? AND day = ?");
    const std::string at = format_iso8601(now);
    q.bind(1, key);
    q.bind(2, size);
    q.bind(3, members);
    q.bind(4, at);
    q.bind(5, at);
    q.bind(6, site);
    q.bind(7, day);
    q.run();
  });
}

int64_t MatomoStore::archive_failed(const std::string& site, const std::string& day,
                                    const std::string& error, TimePoint now) {
  store_.transaction([&] {
    ensure_day(site, day, now);
    sql::Statement q(store_.db(),
                     "UPDATE matomo_days SET archive_failures = archive_failures + 1, "
                     "archive_error = ?, updated_at = ? WHERE site = ? AND day = ?");
    q.bind(1, store_.scrub(error));
    q.bind(2, format_iso8601(now));
    q.bind(3, site);
    q.bind(4, day);
    q.run();
  });
  return this->day(site, day).archive_failures;
}

void MatomoStore::command_done(const std::string& site, const std::string& day, bool ok,
                               const std::string& note, TimePoint now) {
  store_.transaction([&] {
    ensure_day(site, day, now);
    sql::Statement q(store_.db(),
                     "UPDATE matomo_days SET command_status = ?, command_note = ?, "
                     "updated_at = ? WHERE site = ? AND day = ?");
    q.bind(1, ok ? "ok" : "failed");
    q.bind(2, store_.scrub(note));
    q.bind(3, format_iso8601(now));
    q.bind(4, site);
    q.bind(5, day);
    q.run();
  });
}

std::vector<StatsRow> MatomoStore::stats(const std::string& site, const std::string& from,
                                         const std::string& to) {
  sql::Statement q(store_.db(),
                   "SELECT site, day, COUNT(*), SUM(size), SUM(lines), SUM(hits), "
                   "SUM(hits_confirmed), SUM(invalid_lines), SUM(skipped_lines), "
                   "SUM(maybe_twice) FROM matomo_objects WHERE status = 'imported' "
                   "AND (? = '' OR site = ?) AND (? = '' OR day >= ?) AND (? = '' OR day <= ?) "
                   "GROUP BY site, day ORDER BY day, site");
  q.bind(1, site);
  q.bind(2, site);
  q.bind(3, from);
  q.bind(4, from);
  q.bind(5, to);
  q.bind(6, to);
  std::vector<StatsRow> out;
  while (q.step()) {
    StatsRow r;
    r.site = q.column(0).text();
    r.day = q.column(1).text();
    r.files = q.column(2).int64();
    r.bytes = q.column(3).int64();
    r.lines = q.column(4).int64();
    r.hits_sent = q.column(5).int64();
    r.hits_confirmed = q.column(6).int64();
    r.invalid_lines = q.column(7).int64();
    r.skipped_lines = q.column(8).int64();
    r.maybe_twice = q.column(9).int64();
    out.push_back(r);
  }
  return out;
}

}  // namespace ferry::matomo
