#include "ferry/matomo/store.h"

#include "ferry/sql/statement.h"

namespace ferry::matomo {
namespace {

const char* kObjects = R"sql(
CREATE TABLE matomo_objects (
  site            TEXT NOT NULL,             -- [[matomo.site]] name
  day             TEXT NOT NULL,             -- yyyy-mm-dd: the upload day it was selected for
  key             TEXT NOT NULL,             -- key in the pull target
  etag            TEXT NOT NULL,
  size            INTEGER NOT NULL,
  last_modified   TEXT NOT NULL,             -- as S3 listed it
  seq             INTEGER NOT NULL,          -- import order within site and day
  status          TEXT NOT NULL,             -- pending | importing | imported
  confirmed_line  INTEGER NOT NULL DEFAULT 0,-- every line up to it confirmed (across members)
  lines           INTEGER NOT NULL DEFAULT 0,
  hits            INTEGER NOT NULL DEFAULT 0,-- hits built and sent
  invalid_lines   INTEGER NOT NULL DEFAULT 0,
  skipped_lines   INTEGER NOT NULL DEFAULT 0,-- headers, empty lines, classes switched off
  hits_confirmed  INTEGER NOT NULL DEFAULT 0,-- hits in batches Matomo answered success
  tracked         INTEGER NOT NULL DEFAULT 0,-- Matomo's `tracked`
  matomo_invalid  INTEGER NOT NULL DEFAULT 0,-- Matomo's `invalid`
  in_flight       INTEGER NOT NULL DEFAULT 0,-- sent, not confirmed at the last checkpoint
  maybe_twice     INTEGER NOT NULL DEFAULT 0,-- may have been sent twice (in flight at a crash)
  members         INTEGER NOT NULL DEFAULT 0,
  job_id          INTEGER NOT NULL DEFAULT 0,
  error           TEXT NOT NULL DEFAULT '',
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (site, key, etag)
);
CREATE INDEX matomo_objects_day ON matomo_objects(site, day, seq);
CREATE TABLE matomo_days (
  site              TEXT NOT NULL,
  day               TEXT NOT NULL,
  archive_status    TEXT NOT NULL DEFAULT 'none',  -- none | pending | uploaded
  archive_key       TEXT NOT NULL DEFAULT '',
  archive_size      INTEGER NOT NULL DEFAULT 0,
  archive_members   INTEGER NOT NULL DEFAULT 0,
  archive_failures  INTEGER NOT NULL DEFAULT 0,      -- failed uploads in a row
  archive_error     TEXT NOT NULL DEFAULT '',
  archived_at       TEXT NOT NULL DEFAULT '',
  command_status    TEXT NOT NULL DEFAULT '',        -- '' | pending | ok | failed
  command_note      TEXT NOT NULL DEFAULT '',
  updated_at        TEXT NOT NULL,
  PRIMARY KEY (site, day)
);
)sql";

const char* kObjectColumns =
    "site, day, key, etag, size, last_modified, seq, status, confirmed_line, lines, hits, "
    "invalid_lines, skipped_lines, hits_confirmed, tracked, matomo_invalid, in_flight, "
    "maybe_twice, members, job_id, error";

ObjectRecord read_object(sql::Statement& q) {
  ObjectRecord o;
  o.site = q.column(0).text();
  o.day = q.column(1).text();
  o.key = q.column(2).text();
  o.etag = q.column(3).text();
  o.size = q.column(4).int64();
  o.last_modified = q.column(5).text();
  o.seq = q.column(6).int64();
  o.status = q.column(7).text();
  o.confirmed_line = q.column(8).int64();
  o.lines = q.column(9).int64();
  o.hits = q.column(10).int64();
  o.invalid_lines = q.column(11).int64();
  o.skipped_lines = q.column(12).int64();
  o.hits_confirmed = q.column(13).int64();
  o.tracked = q.column(14).int64();
  o.matomo_invalid = q.column(15).int64();
  o.in_flight = q.column(16).int64();
  o.maybe_twice = q.column(17).int64();
  o.members = q.column(18).int64();
  o.job_id = q.column(19).int64();
  o.error = q.column(20).text();
  return o;
}

void bind_object_key(sql::Statement& q, int first, const ObjectRecord& o) {
  q.bind(first, o.site);
  q.bind(first + 1, o.key);
  q.bind(first + 2, o.etag);
}

}  // namespace

std::vector<state::Migration> migrations() {
  return {{1, "imported objects and archived days", kObjects}};
}

int MatomoStore::add_listed(const std::string& site, const std::string& day,
                            const std::vector<ListedObject>& listed, TimePoint now) {
  int added = 0;
  const std::string at = format_iso8601(now);
  store_.transaction([&] {
    sql::Statement max(store_.db(),
                       "SELECT COALESCE(MAX(seq), -1) FROM matomo_objects WHERE site = ? "
                       "AND day = ?");
    max.bind(1, site);
    max.bind(2, day);
    max.step();
    int64_t seq = max.column(0).int64();
    sql::Statement ins(store_.db(),
                       "INSERT INTO matomo_objects(site, day, key, etag, size, "
                       "last_modified, seq, status, updated_at) VALUES (?,?,?,?,?,?,?,?,?) "
                       "ON CONFLICT DO NOTHING");
    for (const auto& o : listed) {
      ins.bind(1, site);
      ins.bind(2, day);
      ins.bind(3, o.key);
      ins.bind(4, o.etag);
      ins.bind(5, o.size);
      ins.bind(6, o.last_modified);
      ins.bind(7, seq + 1);
      ins.bind(8, kPending);
      ins.bind(9, at);
      if (ins.run() == 1) {
        ++seq;
        ++added;
      }
      ins.reset();
    }
    ensure_day(site, day, now);
  });
  return added;
}

std::optional<ObjectRecord> MatomoStore::find(const std::string& site, const std::string& key,
                                              const std::string& etag) {
  sql::Statement q(store_.db(), std::string("SELECT ") + kObjectColumns +
                                    " FROM matomo_objects WHERE site = ? AND key = ? AND "
                                    "etag = ?");
  q.bind(1, site);
  q.bind(2, key);
  q.bind(3, etag);
  if (!q.step()) return std::nullopt;
  return read_object(q);
}

std::vector<ObjectRecord> MatomoStore::objects(const std::string& site, const std::string& day) {
  sql::Statement q(store_.db(), std::string("SELECT ") + kObjectColumns +
                                    " FROM matomo_objects WHERE site = ? AND day = ? "
                                    "ORDER BY seq");
  q.bind(1, site);
  q.bind(2, day);
  std::vector<ObjectRecord> out;
  while (q.step()) out.push_back(read_object(q));
  return out;
}

ObjectRecord MatomoStore::start(const ObjectRecord& o, int64_t job_id, TimePoint now) {
  store_.transaction([&] {
    sql::Statement q(store_.db(),
                     "UPDATE matomo_objects SET status = ?, job_id = ?, "
                     "maybe_twice = maybe_twice + in_flight, in_flight = 0, updated_at = ? "
                     "WHERE site = ? AND key = ? AND etag = ?");
    q.bind(1, kImporting);
    q.bind(2, job_id);
    q.bind(3, format_iso8601(now));
    bind_object_key(q, 4, o);
    q.run();
  });
  return *find(o.site, o.key, o.etag);
}

void MatomoStore::progress(const ObjectRecord& o, const ObjectProgress& p, TimePoint now) {
  store_.transaction([&] {
    sql::Statement q(store_.db(),
                     "UPDATE matomo_objects SET confirmed_line = " + store_.greatest() +
                         "(confirmed_line, ?), "
                         "hits_confirmed = hits_confirmed + ?, tracked = tracked + ?, "
                         "matomo_invalid = matomo_invalid + ?, in_flight = ?, updated_at = ? "
                         "WHERE site = ? AND key = ? AND etag = ?");
    q.bind(1, p.confirmed_line);
    q.bind(2, p.hits_confirmed);
    q.bind(3, p.tracked);
    q.bind(4, p.matomo_invalid);
    q.bind(5, p.in_flight);
    q.bind(6, format_iso8601(now));
    bind_object_key(q, 7, o);
    q.run();
  });
}

void MatomoStore::finish(const ObjectRecord& o, const ObjectTotals& t, bool archive,
                         TimePoint now) {
  const std::string at = format_iso8601(now);
  store_.transaction([&] {
    sql::Statement q(store_.db(),
                     "UPDATE matomo_objects SET status = ?, lines = ?, hits = ?, "
                     "invalid_lines = ?, skipped_lines = ?, members = ?, in_flight = 0, "
                     "confirmed_line = " +
                         store_.greatest() +
                         "(confirmed_line, ?), error = '', updated_at = ? "
                         "WHERE site = ? AND key = ? AND etag = ?");
    q.bind(1, kImported);
    q.bind(2, t.lines);
    q.bind(3, t.hits);
    q.bind(4, t.invalid_lines);
    q.bind(5, t.skipped_lines);
    q.bind(6, t.members);
    q.bind(7, t.lines);
    q.bind(8, at);
    bind_object_key(q, 9, o);
    q.run();
    ensure_day(o.site, o.day, now);
    sql::Statement d(store_.db(),
                     "UPDATE matomo_days SET "
                     "archive_status = CASE WHEN ? THEN 'pending' ELSE archive_status END, "
                     "command_status = CASE WHEN ? THEN 'pending' ELSE command_status END, "
                     "updated_at = ? WHERE site = ? AND day = ?");
    d.bind(1, archive ? 1 : 0);
    d.bind(2, t.hits > 0 ? 1 : 0);
    d.bind(3, at);
    d.bind(4, o.site);
    d.bind(5, o.day);
    d.run();
  });
}

void MatomoStore::set_error(const ObjectRecord& o, const std::string& error, TimePoint now) {
  sql::Statement q(store_.db(),
                   "UPDATE matomo_objects SET error = ?, updated_at = ? WHERE site = ? AND "
                   "key = ? AND etag = ?");
  q.bind(1, store_.scrub(error));
  q.bind(2, format_iso8601(now));
  bind_object_key(q, 3, o);
  q.run();
}

}  // namespace ferry::matomo
