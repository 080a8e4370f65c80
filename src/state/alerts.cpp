#include "ferry/state/alerts.h"

#include <algorithm>

#include "ferry/sql/statement.h"

namespace ferry::state {
namespace {

void update_ids(Store& store, const std::string& sql_prefix, const std::vector<int64_t>& ids,
                const std::function<void(sql::Statement&)>& bind_rest) {
  for (int64_t id : ids) {
    sql::Statement q(store.db(), sql_prefix + " WHERE id = ?");
    bind_rest(q);
    q.bind(1 + static_cast<int>(std::count(sql_prefix.begin(), sql_prefix.end(), '?')), id);
    q.run();
  }
}

}  // namespace

int64_t AlertStore::add(const std::string& key, const std::string& subject, const std::string& body,
                        TimePoint now) {
  sql::Statement q(
      store_.db(),
      "INSERT INTO alerts(key, subject, body, created_at) VALUES (?,?,?,?) RETURNING id");
  q.bind(1, key);
  q.bind(2, store_.scrub(subject));
  q.bind(3, store_.scrub(body));
  q.bind(4, format_iso8601(now));
  return q.inserted_id();
}

std::vector<AlertEvent> AlertStore::pending() {
  sql::Statement q(store_.db(),
                   "SELECT id, key, subject, body, created_at, attempts FROM alerts "
                   "WHERE status = 'pending' ORDER BY id");
  std::vector<AlertEvent> out;
  while (q.step()) {
    AlertEvent e;
    e.id = q.column(0).int64();
    e.key = q.column(1).text();
    e.subject = store_.scrub(q.column(2).text());  // rows written before scrubbing
    e.body = store_.scrub(q.column(3).text());
    e.created_at = q.column(4).text();
    e.attempts = q.column(5).integer();
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<AlertKeyState> AlertStore::key_state(const std::string& key) {
  sql::Statement q(store_.db(), "SELECT last_sent_at, suppressed FROM alert_keys WHERE key = ?");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return AlertKeyState{q.column(0).text(), q.column(1).int64()};
}

void AlertStore::suppress(const std::string& key, const std::vector<int64_t>& ids) {
  store_.transaction([&] {
    update_ids(store_, "UPDATE alerts SET status = 'suppressed'", ids, [](auto&) {});
    sql::Statement q(store_.db(),
                     "UPDATE alert_keys SET suppressed = suppressed + ? WHERE key = ?");
    q.bind(1, static_cast<int64_t>(ids.size()));
    q.bind(2, key);
    q.run();
  });
}

void AlertStore::mark_sent(const std::string& key, const std::vector<int64_t>& ids, TimePoint now) {
  std::string t = format_iso8601(now);
  store_.transaction([&] {
    update_ids(store_, "UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1",
               ids, [&](sql::Statement& q) { q.bind(1, t); });
    sql::Statement q(store_.db(),
                     "INSERT INTO alert_keys(key, last_sent_at, suppressed) VALUES (?, ?, 0) "
                     "ON CONFLICT(key) DO UPDATE SET last_sent_at = excluded.last_sent_at, "
                     "suppressed = 0");
    q.bind(1, key);
    q.bind(2, t);
    q.run();
  });
}

void AlertStore::mark_failed(const std::vector<int64_t>& ids, const std::string& error) {
  store_.transaction([&] {
    update_ids(store_, "UPDATE alerts SET attempts = attempts + 1, last_error = ?", ids,
               [&](sql::Statement& q) { q.bind(1, store_.scrub(error)); });
  });
}

int64_t AlertStore::count_pending() {
  return std::get<int64_t>(
      store_.db().scalar("SELECT count(*) FROM alerts WHERE status = 'pending'"));
}

}  // namespace ferry::state
