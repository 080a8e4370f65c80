#include "ferry/state/alerts.h"

#include <SQLiteCpp/Statement.h>

namespace ferry::state {
namespace {

void update_ids(Store& store, const std::string& sql_prefix, const std::vector<int64_t>& ids,
                const std::function<void(SQLite::Statement&)>& bind_rest) {
  for (int64_t id : ids) {
    SQLite::Statement q(store.db(), sql_prefix + " WHERE id = ?");
    bind_rest(q);
    q.bind(q.getBindParameterCount(), id);
    q.exec();
  }
}

}  // namespace

int64_t AlertStore::add(const std::string& key, const std::string& subject, const std::string& body,
                        TimePoint now) {
  SQLite::Statement q(store_.db(),
                      "INSERT INTO alerts(key, subject, body, created_at) VALUES (?,?,?,?)");
  q.bind(1, key);
  q.bind(2, store_.scrub(subject));
  q.bind(3, store_.scrub(body));
  q.bind(4, format_iso8601(now));
  q.exec();
  return store_.db().getLastInsertRowid();
}

std::vector<AlertEvent> AlertStore::pending() {
  SQLite::Statement q(store_.db(),
                      "SELECT id, key, subject, body, created_at, attempts FROM alerts "
                      "WHERE status = 'pending' ORDER BY id");
  std::vector<AlertEvent> out;
  while (q.executeStep()) {
    AlertEvent e;
    e.id = q.getColumn(0).getInt64();
    e.key = q.getColumn(1).getString();
    e.subject = store_.scrub(q.getColumn(2).getString());  // rows written before scrubbing
    e.body = store_.scrub(q.getColumn(3).getString());
    e.created_at = q.getColumn(4).getString();
    e.attempts = q.getColumn(5).getInt();
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<AlertKeyState> AlertStore::key_state(const std::string& key) {
  SQLite::Statement q(store_.db(), "SELECT last_sent_at, suppressed FROM alert_keys WHERE key = ?");
  q.bind(1, key);
  if (!q.executeStep()) return std::nullopt;
  return AlertKeyState{q.getColumn(0).getString(), q.getColumn(1).getInt64()};
}

void AlertStore::suppress(const std::string& key, const std::vector<int64_t>& ids) {
  store_.transaction([&] {
    update_ids(store_, "UPDATE alerts SET status = 'suppressed'", ids, [](auto&) {});
    SQLite::Statement q(store_.db(),
                        "UPDATE alert_keys SET suppressed = suppressed + ? WHERE key = ?");
    q.bind(1, static_cast<int64_t>(ids.size()));
    q.bind(2, key);
    q.exec();
  });
}

void AlertStore::mark_sent(const std::string& key, const std::vector<int64_t>& ids, TimePoint now) {
  std::string t = format_iso8601(now);
  store_.transaction([&] {
    update_ids(store_, "UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1",
               ids, [&](SQLite::Statement& q) { q.bind(1, t); });
    SQLite::Statement q(store_.db(),
                        "INSERT INTO alert_keys(key, last_sent_at, suppressed) VALUES (?, ?, 0) "
                        "ON CONFLICT(key) DO UPDATE SET last_sent_at = excluded.last_sent_at, "
                        "suppressed = 0");
    q.bind(1, key);
    q.bind(2, t);
    q.exec();
  });
}

void AlertStore::mark_failed(const std::vector<int64_t>& ids, const std::string& error) {
  store_.transaction([&] {
    update_ids(store_, "UPDATE alerts SET attempts = attempts + 1, last_error = ?", ids,
               [&](SQLite::Statement& q) { q.bind(1, store_.scrub(error)); });
  });
}

int64_t AlertStore::count_pending() {
  return store_.db().execAndGet("SELECT count(*) FROM alerts WHERE status = 'pending'").getInt64();
}

}  // namespace ferry::state
