#include "state/filled_state.h"

#include <algorithm>

namespace ferry::testing {

void fill_every_table(sql::Connection& db) {
  db.exec(R"sql(
INSERT INTO runs (id, started_at, finished_at, outcome, pid, units_done, units_failed,
                  jobs_finished, jobs_failed, alerts_sent, note, host, lease_until) VALUES
  (1, '2026-11-01T00:00:00Z', '2026-11-01T00:01:00Z', 'ok', 101, 3, 0, 1, 0, 1, '', '', NULL),
  (7, '2026-11-01T00:05:00Z', NULL, 'running', 102, 0, 1, 0, 1, 0,
   'a note with ''quotes'', "double", é, ✓ and a
newline', 'ferry-2.internal', '2026-11-01T00:06:00Z');
INSERT INTO claims (name, run_id, claimed_at) VALUES
  ('task:cake-daily', 7, '2026-11-01T00:05:01Z');
INSERT INTO call_slots (resource, slot, run_id, taken_at) VALUES
  ('cake:https://cake.example', 0, 7, '2026-11-01T00:05:02Z');
INSERT INTO job_units (job_id, unit, run_id, claimed_at, done_at) VALUES
  (3, 51, 7, '2026-11-01T00:05:03Z', NULL);
INSERT INTO jobs (id, kind, status, from_date, to_date, params, attempts, failures,
                  progress_done, progress_total, checkpoint, error, run_id, created_at,
                  started_at, finished_at, updated_at, not_before, crashes) VALUES
  (3, 'cake-clicks', 'running', '2026-10-01', '2026-10-14', '{"offer":"12"}', 2, 1, 50, 336,
   '2026-10-03T02', '', 7, '2026-10-31T23:00:00Z', '2026-11-01T00:05:00Z', NULL,
   '2026-11-01T00:05:30Z', NULL, 1),
  (4, 'cake-conversions', 'failed', '2026-09-01', '2026-09-30', '{}', 5, 5, 3, 30, '2026-09-04',
   'cake: HTTP 503 from https://cake.example/api (5 tries)', 1, '2026-10-30T00:00:00Z',
   '2026-10-30T00:05:00Z', '2026-11-01T00:00:40Z', '2026-11-01T00:00:40Z', NULL, 0),
  (9, 'cake-clicks', 'queued', '2026-11-01', '2026-11-01', '{}', 0, 0, 0, 0, '', '', NULL,
   '2026-11-01T00:06:00Z', NULL, NULL, '2026-11-01T00:06:00Z', '2026-11-02T06:00:00Z', 0);
INSERT INTO job_outputs (job_id, name, path, s3_target, s3_key, size, sha256, rows, link,
                         link_expires_at, created_at, s3_endpoint, s3_region, s3_bucket,
                         s3_object_key) VALUES
  (3, 'clicks_2026-10-01T00.csv', 'data/cake/clicks_2026-10-01T00.csv', 'reports',
   'cake/clicks_2026-10-01T00.csv', 9007199254740993,
   'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 1200,
   'https://s3.example/reports/cake/clicks_2026-10-01T00.csv?X-Amz-Signature=abc',
   '2026-11-08T00:05:00Z', '2026-11-01T00:05:10Z', 'https://s3.example', 'eu-west-1', 'reports',
   'exports/cake/clicks_2026-10-01T00.csv'),
  (3, 'clicks_2026-10-01T01.csv', '', '', '', 0, '', 0, '', NULL, '2026-11-01T00:05:20Z', '', '',
   '', '');
INSERT INTO marks (source, stream, value, updated_at) VALUES
  ('mindtrails:prod', 'users', '12345', '2026-11-01T00:01:00Z'),
  ('cake:daily', '', '2026-10-31', '2026-11-01T00:01:00Z');
INSERT INTO schedule (task, last_done, last_run, failures) VALUES
  ('mindtrails', '2026-11-01T00:01:00Z', 1, 0), ('wenet', '2026-10-31T00:00:00Z', NULL, 2);
INSERT INTO alerts (id, key, subject, body, created_at, status, attempts, last_error, sent_at)
  VALUES (1, 'cake:conversions', 'ferry: job 4 failed', 'line one
line two', '2026-11-01T00:00:40Z', 'sent', 1, '', '2026-11-01T00:00:41Z'),
  (2, 'state:full', 'ferry: disk full', 'body', '2026-11-01T00:05:40Z', 'pending', 3,
   'smtp: 451 try later', NULL);
INSERT INTO alert_keys (key, last_sent_at, suppressed) VALUES
  ('cake:conversions', '2026-11-01T00:00:41Z', 4);
INSERT INTO run_stats (run_id, name, value) VALUES (1, 'mindtrails:prod:decrypt_failures', 2),
  (1, 'cake:rows', 4611686018427387904);
DELETE FROM totals;
INSERT INTO totals (counter, label, value) VALUES ('runs', 'ok', 1), ('alerts_sent', '', 1),
  ('bytes_uploaded', 'cake', 9007199254740993);
INSERT INTO cake_currencies (admin_url, currency_id, abbr, fetched_at) VALUES
  ('https://cake.example/', '1', 'USD', '2026-11-01T00:00:00Z');
INSERT INTO mindtrails_tables (server, name, deleteable, csv_path, csv_size, csv_header,
                               updated_at) VALUES
  ('prod', 'users', 0, 'data/mindtrails/users_2026-11-01.csv', 123, '["id","email"]',
   '2026-11-01T00:01:00Z');
INSERT INTO mindtrails_deletes (server, name, row_id, status, attempts, last_error, created_at,
                                updated_at) VALUES
  ('prod', 'users', 12345, 'pending', 1, 'HTTP 500', '2026-11-01T00:01:00Z',
   '2026-11-01T00:01:00Z');
INSERT INTO mindtrails_snapshots (server, name, csv_path, csv_size, sha256, rows, updated_at)
  VALUES ('prod', 'studies', 'data/mindtrails/studies.csv', 10, 'ab', 2, '2026-11-01T00:01:00Z');
INSERT INTO matomo_objects (site, day, key, etag, size, last_modified, seq, status,
                            confirmed_line, lines, hits, error, updated_at) VALUES
  ('shop', '2026-10-31', 'logs/access.log.gz', '"9b2cf535f27731c974343645a3985328"', 2048,
   '2026-11-01T00:00:00.000Z', 1, 'imported', 10, 10, 9, '', '2026-11-01T00:02:00Z');
INSERT INTO matomo_days (site, day, archive_status, updated_at) VALUES
  ('shop', '2026-10-31', 'pending', '2026-11-01T00:02:00Z');
INSERT INTO wenet_analytics (id, instance, created, run) VALUES
  ('a-1', 'https://wenet.example', '2026-11-01T00:03:00Z', 7);
)sql");
}

namespace {

std::string tagged(const sql::Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  if (std::holds_alternative<int64_t>(v)) return "i:" + sql::to_text(v);
  if (std::holds_alternative<double>(v)) return "r:" + sql::to_text(v);
  return "t:" + std::get<std::string>(v);
}

}  // namespace

std::map<std::string, std::vector<std::string>> table_contents(sql::Connection& db) {
  std::vector<std::string> tables;
  const char* list = db.dialect() == sql::Dialect::kPostgres
                         ? "SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                         : "SELECT name FROM sqlite_master WHERE type = 'table'";
  db.query(list, {}, [&](const sql::Row& r) { tables.push_back(std::get<std::string>(r[0])); });
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& t : tables) {
    auto& rows = out[t];
    db.query("SELECT * FROM \"" + t + "\"", {}, [&](const sql::Row& r) {
      std::string line;
      for (const auto& v : r) line += (line.empty() ? "" : " | ") + tagged(v);
      rows.push_back(line);
    });
    std::sort(rows.begin(), rows.end());
  }
  return out;
}

std::string sqlite_schema(sql::Connection& db) {
  std::vector<std::string> parts;
  db.query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL", {},
           [&](const sql::Row& r) { parts.push_back(std::get<std::string>(r[0])); });
  std::sort(parts.begin(), parts.end());
  std::string out = "user_version " + sql::to_text(db.scalar("PRAGMA user_version")) + "\n";
  for (const auto& p : parts) out += p + ";\n";
  return out;
}

}  // namespace ferry::testing
