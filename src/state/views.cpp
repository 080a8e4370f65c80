#include "ferry/state/views.h"

#include <SQLiteCpp/Statement.h>

namespace ferry::state {
namespace {

std::vector<AlertView> read_alerts(Store& store, SQLite::Statement& q) {
  std::vector<AlertView> out;
  while (q.executeStep()) {
    AlertView a;
    a.id = q.getColumn(0).getInt64();
    a.key = store.scrub(q.getColumn(1).getString());
    a.subject = store.scrub(q.getColumn(2).getString());
    a.status = q.getColumn(3).getString();
    a.created_at = q.getColumn(4).getString();
    a.sent_at = q.getColumn(5).getString();
    a.last_error = store.scrub(q.getColumn(6).getString());
    a.attempts = q.getColumn(7).getInt();
    out.push_back(std::move(a));
  }
  return out;
}

const char* kAlertColumns =
    "SELECT id, key, subject, status, created_at, coalesce(sent_at, ''), last_error, attempts "
    "FROM alerts ";

}  // namespace

std::vector<OutputView> ViewStore::recent_outputs(int limit) {
  SQLite::Statement q(store_.db(),
                      "SELECT o.job_id, j.kind, o.name, o.rows, o.size, o.link, "
                      "coalesce(o.link_expires_at, ''), o.created_at FROM job_outputs o "
                      "JOIN jobs j ON j.id = o.job_id ORDER BY o.id DESC LIMIT ?");
  q.bind(1, limit);
  std::vector<OutputView> out;
  while (q.executeStep()) {
    OutputView o;
    o.job_id = q.getColumn(0).getInt64();
    o.kind = q.getColumn(1).getString();
    o.name = q.getColumn(2).getString();
    o.rows = q.getColumn(3).getInt64();
    o.size = q.getColumn(4).getInt64();
    o.link = store_.scrub(q.getColumn(5).getString());
    o.link_expires_at = q.getColumn(6).getString();
    o.created_at = q.getColumn(7).getString();
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<MarkView> ViewStore::marks(int limit) {
  SQLite::Statement q(store_.db(),
                      "SELECT source, stream, value, updated_at FROM marks "
                      "ORDER BY updated_at DESC, source, stream LIMIT ?");
  q.bind(1, limit);
  std::vector<MarkView> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   store_.scrub(q.getColumn(2).getString()), q.getColumn(3).getString()});
  return out;
}

std::vector<AlertView> ViewStore::pending_alerts(int limit) {
  SQLite::Statement q(store_.db(),
                      std::string(kAlertColumns) + "WHERE status = 'pending' ORDER BY id LIMIT ?");
  q.bind(1, limit);
  return read_alerts(store_, q);
}

std::vector<AlertView> ViewStore::recent_alerts(int limit) {
  SQLite::Statement q(store_.db(), std::string(kAlertColumns) +
                                       "WHERE status <> 'pending' ORDER BY id DESC LIMIT ?");
  q.bind(1, limit);
  return read_alerts(store_, q);
}

}  // namespace ferry::state
