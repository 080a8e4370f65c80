// sql::Connection over libpq. Parameters travel as text and results come back as text in
// single-row mode, converted by the column's type: integers (int2/4/8, oid, bool as 0/1) and
// whole numerics to int64, float4/8 and fractional numerics to double, the rest as text. libpq
// itself is loaded by the first connection (libpq_lib.h).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>

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

// What a SQLSTATE says of the database (see Error::Cause); `conn_bad` when the connection broke.
Error::Cause cause_of(const char* sqlstate, bool conn_bad) {
  if (conn_bad) return Error::Cause::kBusy;
  std::string s = sqlstate ? sqlstate : "";
  auto cls = s.substr(0, 2);
  if (s == "55P03" || s == "40P01" || s == "40001" || cls == "08" || s == "57P01" || s == "57P02" ||
      s == "57P03")
    return Error::Cause::kBusy;  // lock not available, deadlock, serialization, connection gone
  if (cls == "53") return Error::Cause::kFull;  // insufficient resources: disk full, memory
  if (cls == "28" || s == "3D000" || s == "42501" || s == "25006" || cls == "XX")
    return Error::Cause::kBroken;  // login refused, no such database, no privilege, read-only
  return Error::Cause::kOther;
}

struct ResultFree {
  void operator()(PGresult* r) const { libpq().PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

// The Error for a failed statement `sql` on `conn` (its result `r`, if any) of database `name`.
Error failure(const LibpqLib& pq, PGconn* conn, const PGresult* r, const std::string& name,
              const std::string& sql) {
  std::string why = trimmed(r ? pq.PQresultErrorMessage(r) : pq.PQerrorMessage(conn));
  if (why.empty()) why = trimmed(pq.PQerrorMessage(conn));
  const char* state = r ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? std::string(" [SQLSTATE ") + state + "]" : "";
  return Error("postgresql " + name, why + code + " (in: " + first_line(sql) + ")",
               cause_of(state, pq.PQstatus(conn) == CONNECTION_BAD));
}

// A column of row `row` of `r` as a Value, by the column's type.
Value column_value(const LibpqLib& pq, const PGresult* r, int row, int c) {
  if (pq.PQgetisnull(r, row, c)) return Value{};
  const char* text = pq.PQgetvalue(r, row, c);
  switch (pq.PQftype(r, c)) {
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
      return std::string(text, static_cast<std::size_t>(pq.PQgetlength(r, row, c)));
  }
}

// Parameters as libpq takes them: text, or a null pointer for NULL.
struct TextParams {
  explicit TextParams(const std::vector<Value>& params)
      : texts(params.size()), ptrs(params.size(), nullptr) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (std::holds_alternative<std::monostate>(params[i])) continue;
      texts[i] = to_text(params[i]);
      ptrs[i] = texts[i].c_str();
    }
  }
  std::vector<std::string> texts;
  std::vector<const char*> ptrs;
};

// A statement run with PQexecParams on the first step(), its whole result then read row by row.
class PostgresCursor : public Cursor {
 public:
  PostgresCursor(const LibpqLib& pq, PGconn* conn, const std::string& name, std::string sql)
      : pq_(pq),
        conn_(conn),
        name_(name),
        sql_(std::move(sql)),
        numbered_(numbered_placeholders(sql_)) {}
  void bind(int index, const Value& v) override {
    if (index < 1) throw Error("postgresql " + name_, "parameter 0 bound", Error::Cause::kOther);
    if (params_.size() < static_cast<std::size_t>(index)) params_.resize(index);
    params_[static_cast<std::size_t>(index) - 1] = v;
  }
  bool step() override {
    if (!result_) {
      TextParams p(params_);
      result_.reset(pq_.PQexecParams(conn_, numbered_.c_str(), static_cast<int>(p.ptrs.size()),
                                     nullptr, p.ptrs.data(), nullptr, nullptr, 0));
      auto st = result_ ? pq_.PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
      if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        Error e = failure(pq_, conn_, result_.get(), name_, sql_);
        result_.reset();
        throw e;
      }
      const char* n = pq_.PQcmdTuples(result_.get());
      changes_ = n && *n ? std::strtoll(n, nullptr, 10) : 0;
      next_ = 0;
    }
    if (next_ >= pq_.PQntuples(result_.get())) return false;
    int n = pq_.PQnfields(result_.get());
    row_.assign(static_cast<std::size_t>(n), Value{});
    for (int c = 0; c < n; ++c) row_[c] = column_value(pq_, result_.get(), next_, c);
    ++next_;
    return true;
  }
  const Value& column(int i) const override { return row_.at(static_cast<std::size_t>(i)); }
  int column_count() const override { return result_ ? pq_.PQnfields(result_.get()) : 0; }
  int64_t changes() const override { return changes_; }
  void reset() override { result_.reset(); }

 private:
  const LibpqLib& pq_;
  PGconn* conn_;
  const std::string& name_;
  std::string sql_, numbered_;
  std::vector<Value> params_;
  ResultPtr result_;
  int next_ = 0;
  Row row_;
  int64_t changes_ = 0;
};

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
    std::optional<Error> error;
    while (ResultPtr r{pq_.PQgetResult(conn_)}) {
      if (pq_.PQresultStatus(r.get()) != PGRES_COMMAND_OK && !error)
        error = failure(pq_, conn_, r.get(), name_, sql_);
    }
    if (error) throw *error;
  }

 private:
  void send() {
    if (buf_.empty()) return;
    if (pq_.PQputCopyData(conn_, buf_.data(), static_cast<int>(buf_.size())) != 1) fail(nullptr);
    buf_.clear();
  }
  [[noreturn]] void fail(const PGresult* r) { throw failure(pq_, conn_, r, name_, sql_); }

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
    if (!conn_)
      throw Error("postgresql " + name_, "cannot connect: out of memory", Error::Cause::kBroken);
    if (pq_.PQstatus(conn_) != CONNECTION_OK) {
      std::string why = trimmed(pq_.PQerrorMessage(conn_));
      pq_.PQfinish(conn_);
      throw Error("postgresql " + name_, "cannot connect: " + why, Error::Cause::kBroken);
    }
    pq_.PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PostgresConnection() override { pq_.PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& name() const override { return name_; }

  void exec(const std::string& script) override {
    if (trace_) trace_(script);
    ResultPtr r(pq_.PQexec(conn_, script.c_str()));
    auto st = r ? pq_.PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
      throw failure(pq_, conn_, r.get(), name_, script);
  }

  std::unique_ptr<Cursor> prepare(const std::string& sql) override {
    if (trace_) trace_(sql);
    return std::make_unique<PostgresCursor>(pq_, conn_, name_, sql);
  }

  void trace(std::function<void(const std::string&)> fn) override { trace_ = std::move(fn); }

  std::unique_ptr<BulkInsert> bulk_insert(const std::string& table,
                                          const std::vector<std::string>& columns) override {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + quote_name(c);
    return std::make_unique<PostgresBulkInsert>(
        pq_, conn_, name_, "COPY " + quote_name(table) + " (" + names + ") FROM STDIN");
  }

  void query(const std::string& sql, const std::vector<Value>& params,
             const std::function<void(const Row&)>& row) override {
    if (trace_) trace_(sql);
    TextParams p(params);
    std::string numbered = numbered_placeholders(sql);
    if (!pq_.PQsendQueryParams(conn_, numbered.c_str(), static_cast<int>(params.size()), nullptr,
                               p.ptrs.data(), nullptr, nullptr, 0))
      throw failure(pq_, conn_, nullptr, name_, sql);
    pq_.PQsetSingleRowMode(conn_);
    std::optional<Error> error;
    std::exception_ptr thrown;
    Row r;
    while (ResultPtr res{pq_.PQgetResult(conn_)}) {
      auto st = pq_.PQresultStatus(res.get());
      if (st == PGRES_SINGLE_TUPLE && !thrown && !error) {
        int n = pq_.PQnfields(res.get());
        r.assign(n, Value{});
        for (int c = 0; c < n; ++c) r[c] = column_value(pq_, res.get(), 0, c);
        try {
          row(r);
        } catch (...) {
          thrown = std::current_exception();  // the rest is read and dropped: the
        }                                     // connection must be idle again
      } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK &&
                 !error) {
        error = failure(pq_, conn_, res.get(), name_, sql);
      }
    }
    if (thrown) std::rethrow_exception(thrown);
    if (error) throw *error;
  }

 private:
  const LibpqLib& pq_;
  std::string name_;
  PGconn* conn_ = nullptr;
  std::function<void(const std::string&)> trace_;
};

}  // namespace

std::unique_ptr<Connection> open_postgres(const std::string& url, const std::string& password) {
  return std::make_unique<PostgresConnection>(url, password);
}

}  // namespace ferry::sql
