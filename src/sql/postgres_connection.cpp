// sql::Connection over libpq. Parameters travel as text and results come back as text in
// single-row mode, converted by the column's type: integers (int2/4/8, oid, bool as 0/1) and
// whole numerics to int64, float4/8 and fractional numerics to double, the rest as text. libpq
// itself is loaded by the first connection (libpq_lib.h).
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "ferry/sql/connection.h"
#include "sql/libpq_lib.h"

namespace ferry::sql {
namespace {

// Type OIDs of the built-in types (pg_type.dat); stable across server versions.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct ResultFree {
  void operator()(PGresult* r) const { libpq().PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

// COPY FROM STDIN in the text format, sent in pieces of about 256 KiB.
class PostgresBulkInsert : public BulkInsert {
 public:
  PostgresBulkInsert(const LibpqLib& pq, PGconn* conn, std::string name, std::string sql)
      : pq_(pq), conn_(conn), name_(std::move(name)), sql_(std::move(sql)) {
    ResultPtr r(pq_.PQexec(conn_, sql_.c_str()));
    if (!r || pq_.PQresultStatus(r.get()) != PGRES_COPY_IN) {
      done_ = true;
      fail(r.get());
    }
  }
  ~PostgresBulkInsert() override {
    if (done_) return;
    pq_.PQputCopyEnd(conn_, "insert abandoned");  // the connection is left usable
    while (ResultPtr r{pq_.PQgetResult(conn_)}) {
    }
  }
  void add(const Row& row) override {
    append_copy_line(row, buf_);
    if (buf_.size() >= (256u << 10)) send();
  }
  void finish() override {
    send();
    done_ = true;
    if (pq_.PQputCopyEnd(conn_, nullptr) != 1) fail(nullptr);
    std::string error;
    while (ResultPtr r{pq_.PQgetResult(conn_)}) {
      if (pq_.PQresultStatus(r.get()) != PGRES_COMMAND_OK && error.empty())
        error = message(r.get());
    }
    if (!error.empty()) throw Error(error);
  }

 private:
  void send() {
    if (buf_.empty()) return;
    if (pq_.PQputCopyData(conn_, buf_.data(), static_cast<int>(buf_.size())) != 1) fail(nullptr);
    buf_.clear();
  }
  std::string message(const PGresult* r) const {
    std::string why = trimmed(r ? pq_.PQresultErrorMessage(r) : pq_.PQerrorMessage(conn_));
    return "postgresql " + name_ + ": " + why + " (in: " + sql_ + ")";
  }
  [[noreturn]] void fail(const PGresult* r) { throw Error(message(r)); }

  const LibpqLib& pq_;
  PGconn* conn_;
  std::string name_, sql_, buf_;
  bool done_ = false;
};

class PostgresConnection : public Connection {
 public:
  PostgresConnection(const std::string& url, const std::string& password)
      : pq_(libpq()), name_(mask_url(url)) {
    std::vector<const char*> keys = {"connect_timeout", "application_name", "dbname"};
    std::vector<const char*> values = {"10", "ferry", url.c_str()};
    if (!password.empty()) {
      keys.push_back("password");
      values.push_back(password.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = pq_.PQconnectdbParams(keys.data(), values.data(), 1);
    if (!conn_) throw Error("postgresql " + name_ + ": cannot connect: out of memory");
    if (pq_.PQstatus(conn_) != CONNECTION_OK) {
      std::string why = trimmed(pq_.PQerrorMessage(conn_));
      pq_.PQfinish(conn_);
      throw Error("postgresql " + name_ + ": cannot connect: " + why);
    }
    pq_.PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PostgresConnection() override { pq_.PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& name() const override { return name_; }

  void exec(const std::string& script) override {
    ResultPtr r(pq_.PQexec(conn_, script.c_str()));
    auto st = r ? pq_.PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
      throw failure(r.get(), script);
  }

  std::unique_ptr<BulkInsert> bulk_insert(const std::string& table,
                                          const std::vector<std::string>& columns) override {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + quote_name(c);
    return std::make_unique<PostgresBulkInsert>(
        pq_, conn_, name_, "COPY " + quote_name(table) + " (" + names + ") FROM STDIN");
  }

  void query(const std::string& sql, const std::vector<Value>& params,
             const std::function<void(const Row&)>& row) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> ptrs(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (std::holds_alternative<std::monostate>(params[i])) continue;
      texts[i] = to_text(params[i]);
      ptrs[i] = texts[i].c_str();
    }
    std::string numbered = numbered_placeholders(sql);
    if (!pq_.PQsendQueryParams(conn_, numbered.c_str(), static_cast<int>(params.size()), nullptr,
                               ptrs.data(), nullptr, nullptr, 0))
      throw Error("postgresql " + name_ + ": " + trimmed(pq_.PQerrorMessage(conn_)) +
                  " (in: " + first_line(sql) + ")");
    pq_.PQsetSingleRowMode(conn_);
    std::string error;
    std::exception_ptr thrown;
    Row r;
    while (ResultPtr res{pq_.PQgetResult(conn_)}) {
      auto st = pq_.PQresultStatus(res.get());
      if (st == PGRES_SINGLE_TUPLE && !thrown && error.empty()) {
        int n = pq_.PQnfields(res.get());
        r.assign(n, Value{});
        for (int c = 0; c < n; ++c) r[c] = column(res.get(), c);
        try {
          row(r);
        } catch (...) {
          thrown = std::current_exception();  // the rest is read and dropped: the
        }                                     // connection must be idle again
      } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK &&
                 error.empty()) {
        error = failure(res.get(), sql).what();
      }
    }
    if (thrown) std::rethrow_exception(thrown);
    if (!error.empty()) throw Error(error);
  }

 private:
  Error failure(const PGresult* r, const std::string& sql) const {
    std::string why = trimmed(r ? pq_.PQresultErrorMessage(r) : pq_.PQerrorMessage(conn_));
    if (why.empty()) why = trimmed(pq_.PQerrorMessage(conn_));
    const char* state = r ? pq_.PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string code = state ? std::string(" [SQLSTATE ") + state + "]" : "";
    return Error("postgresql " + name_ + ": " + why + code + " (in: " + first_line(sql) + ")");
  }

  Value column(const PGresult* r, int c) const {
    if (pq_.PQgetisnull(r, 0, c)) return Value{};
    const char* text = pq_.PQgetvalue(r, 0, c);
    switch (pq_.PQftype(r, c)) {
      case kBool:
        return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
      case kInt2:
      case kInt4:
      case kInt8:
      case kOid:
        return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      case kFloat4:
      case kFloat8:
        return std::strtod(text, nullptr);
      case kNumeric:
        if (std::string(text).find_first_of(".eEN") == std::string::npos)
          return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
        return std::strtod(text, nullptr);
      default:
        return std::string(text, static_cast<std::size_t>(pq_.PQgetlength(r, 0, c)));
    }
  }

  const LibpqLib& pq_;
  std::string name_;
  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<Connection> open_postgres(const std::string& url, const std::string& password) {
  return std::make_unique<PostgresConnection>(url, password);
}

}  // namespace ferry::sql
