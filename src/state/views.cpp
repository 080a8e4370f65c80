#include "ferry/state/views.h"

#include "ferry/sql/statement.h"

namespace ferry::state {
namespace {

std::vector<AlertView> read_alerts(Store& store, sql::Statement& q) {
  std::vector<AlertView> out;
  while (q.step()) {
    AlertView a;
    a.id = q.column(0).int64();
    a.key = store.scrub(q.column(1).text());
    a.subject = store.scrub(q.column(2).text());
    a.status = q.column(3).text();
    a.created_at = q.column(4).text();
    a.sent_at = q.column(5).text();
    a.last_error = store.scrub(q.column(6).text());
    a.attempts = q.column(7).integer();
    out.push_back(std::move(a));
  }
  return out;
}

const char* kAlertColumns =
    "SELECT id, key, subject, status, created_at, coalesce(sent_at, ''), last_error, attempts "
    "FROM alerts ";

}  // namespace

std::vector<OutputView> ViewStore::recent_outputs(int limit) {
  sql::Statement q(store_.db(),
                   "SELECT o.job_id, j.kind, o.name, o.rows, o.size, o.link, "
                   "coalesce(o.link_expires_at, ''), o.created_at FROM job_outputs o "
                   "JOIN jobs j ON j.id = o.job_id ORDER BY o.id DESC LIMIT ?");
  q.bind(1, limit);
  std::vector<OutputView> out;
  while (q.step()) {
    OutputView o;
    o.job_id = q.column(0).int64();
    o.kind = q.column(1).text();
    o.name = q.column(2).text();
    o.rows = q.column(3).int64();
    o.size = q.column(4).int64();
    o.link = store_.scrub(q.column(5).text());
    o.link_expires_at = q.column(6).text();
    o.created_at = q.column(7).text();
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<MarkView> ViewStore::marks(int limit) {
  sql::Statement q(store_.db(),
                   "SELECT source, stream, value, updated_at FROM marks "
                   "ORDER BY updated_at DESC, source, stream LIMIT ?");
  q.bind(1, limit);
  std::vector<MarkView> out;
  while (q.step())
    out.push_back({q.column(0).text(), q.column(1).text(), store_.scrub(q.column(2).text()),
                   q.column(3).text()});
  return out;
}

std::vector<AlertView> ViewStore::pending_alerts(int limit) {
  sql::Statement q(store_.db(),
                   std::string(kAlertColumns) + "WHERE status = 'pending' ORDER BY id LIMIT ?");
  q.bind(1, limit);
  return read_alerts(store_, q);
}

std::vector<AlertView> ViewStore::recent_alerts(int limit) {
  sql::Statement q(store_.db(), std::string(kAlertColumns) +
                                    "WHERE status <> 'pending' ORDER BY id DESC LIMIT ?");
  q.bind(1, limit);
  return read_alerts(store_, q);
}

}  // namespace ferry::state
