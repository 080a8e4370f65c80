// sql::Connection on a real PostgreSQL (a throwaway cluster on loopback).
#include <gtest/gtest.h>

#include "ferry/sql/connection.h"
#include "sql/statement_contract.h"
#include "support/postgres.h"
#include "support/requirements.h"

namespace ferry::sql {
namespace {

using testing::shared_postgres;

class PostgresIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::ferry::testing::refused_in_unit_run("a PostgreSQL server")) return;
    FERRY_REQUIRE(shared_postgres().skip_reason());
    ASSERT_TRUE(shared_postgres().ready()) << shared_postgres().error();
    url_ = shared_postgres().new_database();
    db_ = open_postgres(url_, "");
  }
  std::string url_;
  std::unique_ptr<Connection> db_;
};

TEST_F(PostgresIntegration, BindsAndReadsEveryKindOfValue) {
  EXPECT_EQ(db_->dialect(), Dialect::kPostgres);
  db_->exec("CREATE TABLE t (i BIGINT, r DOUBLE PRECISION, s TEXT, n TEXT)");
  db_->run("INSERT INTO t VALUES (?, ?, ?, ?)",
           {int64_t{-9223372036854775807 - 1}, 0.1, std::string("é\n'\"?"), Value{}});
  std::vector<Row> rows;
  db_->query("SELECT i, r, s, n, i < ? AS b, sum(i) OVER () / 2 AS half FROM t WHERE s LIKE '%?'",
             {int64_t{0}}, [&](const Row& r) { rows.push_back(r); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(rows[0][0]), -9223372036854775807 - 1);
  EXPECT_EQ(std::get<double>(rows[0][1]), 0.1);  // 17 digits each way: exact
  EXPECT_EQ(std::get<std::string>(rows[0][2]), "é\n'\"?");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(rows[0][3]));
  EXPECT_EQ(std::get<int64_t>(rows[0][4]), 1);                     // bool
  EXPECT_EQ(std::get<int64_t>(rows[0][5]), -4611686018427387904);  // numeric, whole
}

TEST_F(PostgresIntegration, RowsStreamAndAStoppedQueryLeavesTheConnectionUsable) {
  int seen = 0;
  EXPECT_THROW(db_->query("SELECT g FROM generate_series(1, 100000) AS g", {},
                          [&](const Row&) {
                            if (++seen == 3) throw std::runtime_error("enough");
                          }),
               std::runtime_error);
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(std::get<int64_t>(
                db_->scalar("SELECT count(*) FROM generate_series(1, ?::int)", {int64_t{7}})),
            7);
}

TEST_F(PostgresIntegration, ErrorsCarryTheStatementTheSqlStateAndNoPassword) {
  try {
    db_->run("SELECT nope FROM missing");
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("relation \"missing\" does not exist"), std::string::npos) << what;
    EXPECT_NE(what.find("SQLSTATE 42P01"), std::string::npos) << what;
    EXPECT_NE(what.find("SELECT nope FROM missing"), std::string::npos) << what;
  }
  db_->begin();  // and the connection goes on
  db_->rollback();
  std::string bad = "postgresql://ferry:hunter2@127.0.0.1:1/none";
  try {
    open_postgres(bad, "");
    FAIL() << "connected to port 1";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
    EXPECT_NE(what.find("postgresql://ferry:********@127.0.0.1:1/none: cannot connect"),
              std::string::npos)
        << what;
  }
}

TEST_F(PostgresIntegration, BulkInsertCopiesEveryValueExactly) {
  db_->exec("CREATE TABLE t (i BIGINT PRIMARY KEY, r DOUBLE PRECISION, s TEXT)");
  std::vector<Row> rows = {
      {int64_t{1}, 0.1, std::string("tab\there, newline\nthere, \\N and \\ and é")},
      {int64_t{2}, Value{}, Value{}},
      {int64_t{3}, -1e300, std::string(300000, 'x')}};  // more than one piece of 256 KiB
  auto in = db_->bulk_insert("t", {"i", "r", "s"});
  for (const auto& r : rows) in->add(r);
  in->finish();
  std::vector<Row> got;
  db_->query("SELECT i, r, s FROM t ORDER BY i", {}, [&](const Row& r) { got.push_back(r); });
  EXPECT_EQ(got, rows);
}

TEST_F(PostgresIntegration, ARefusedBulkInsertNamesTheTableAndLeavesTheConnectionUsable) {
  db_->exec("CREATE TABLE t (i BIGINT PRIMARY KEY)");
  auto in = db_->bulk_insert("t", {"i"});
  in->add({int64_t{1}});
  in->add({int64_t{1}});
  try {
    in->finish();
    FAIL() << "a duplicate key went in";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("duplicate key value violates unique constraint"), std::string::npos)
        << what;
    EXPECT_NE(what.find("COPY \"t\""), std::string::npos) << what;
  }
  {
    auto abandoned = db_->bulk_insert("t", {"i"});
    abandoned->add({int64_t{5}});
  }  // dropped without finish(): nothing written
  EXPECT_EQ(std::get<int64_t>(db_->scalar("SELECT count(*) FROM t")), 0);
}

TEST_F(PostgresIntegration, TransactionsRollBack) {
  db_->exec("CREATE TABLE t (i BIGINT)");
  db_->begin();
  db_->run("INSERT INTO t VALUES (?)", {int64_t{1}});
  db_->rollback();
  EXPECT_EQ(std::get<int64_t>(db_->scalar("SELECT count(*) FROM t")), 0);
}

TEST_F(PostgresIntegration, StatementsKeepTheContractTheyKeepOnSqlite) {
  expect_statement_contract(*db_);
}

TEST_F(PostgresIntegration, FailuresAreClassified) {
  db_->exec("CREATE TABLE t (i BIGINT UNIQUE)");
  auto other = open_postgres(url_, "");
  other->exec("SET lock_timeout = 100");
  db_->exec("BEGIN; LOCK TABLE t IN EXCLUSIVE MODE");
  EXPECT_EQ(cause_of([&] { other->run("INSERT INTO t VALUES (1)"); }), Error::Cause::kBusy);
  db_->exec("COMMIT");
  other->run("INSERT INTO t VALUES (1)");
  EXPECT_EQ(cause_of([&] { other->run("INSERT INTO t VALUES (1)"); }), Error::Cause::kOther);
  EXPECT_EQ(
      cause_of([&] { open_postgres(shared_postgres().url("postgres", "ferry_pw"), "wrong"); }),
      Error::Cause::kBroken);
  EXPECT_EQ(cause_of([&] { open_postgres(shared_postgres().url("no_such_db"), ""); }),
            Error::Cause::kBroken);
}

}  // namespace
}  // namespace ferry::sql
