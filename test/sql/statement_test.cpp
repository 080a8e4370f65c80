// sql::Statement and sql::Field on SQLite (the same contract runs on PostgreSQL in
// postgres_integration_test.cpp), and how SQLite's failures are classified.
#include "ferry/sql/statement.h"

#include <gtest/gtest.h>

#include "sql/statement_contract.h"
#include "support/process.h"

namespace ferry::sql {
namespace {

using ferry::testing::TempDir;

TEST(SqlStatement, KeepsItsContractOnSqlite) {
  TempDir dir;
  auto db = open_sqlite(dir / "x.db", true);
  expect_statement_contract(*db);
}

TEST(SqlField, ReadsEachKindAsAskedAndNullAsZeroOrEmpty) {
  Value i = int64_t{42}, d = 1.25, s = std::string("17 apples"), n = Value{};
  EXPECT_EQ(Field(i).text(), "42");
  EXPECT_EQ(Field(i).real(), 42.0);
  EXPECT_EQ(Field(d).int64(), 1);
  EXPECT_EQ(Field(d).text(), "1.25");
  EXPECT_EQ(Field(Value{0.1}).text(), "0.1");  // 15 digits, as SQLite prints a REAL
  EXPECT_EQ(Field(s).int64(), 17);
  EXPECT_EQ(Field(n).int64(), 0);
  EXPECT_EQ(Field(n).text(), "");
  EXPECT_TRUE(Field(n).null());
  EXPECT_FALSE(Field(s).null());
}

TEST(SqlErrors, SqliteFailuresAreClassifiedAndNameTheFile) {
  TempDir dir;
  auto a = open_sqlite(dir / "x.db", true);
  auto b = open_sqlite(dir / "x.db", false, 50);
  a->exec("CREATE TABLE t (i INTEGER UNIQUE)");
  a->exec("BEGIN IMMEDIATE");
  EXPECT_EQ(cause_of([&] { b->run("INSERT INTO t VALUES (1)"); }), Error::Cause::kBusy);
  a->exec("COMMIT");
  b->run("INSERT INTO t VALUES (1)");
  EXPECT_EQ(cause_of([&] { b->run("INSERT INTO t VALUES (1)"); }), Error::Cause::kOther);
  EXPECT_EQ(cause_of([&] { b->run("SELEC 1"); }), Error::Cause::kOther);
  ferry::testing::write_file(dir / "junk.db", std::string(4096, 'j'));
  auto junk = open_sqlite(dir / "junk.db", false);
  EXPECT_EQ(cause_of([&] { junk->exec("SELECT * FROM sqlite_master"); }), Error::Cause::kBroken);
  try {
    b->run("SELECT nope FROM t");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "sqlite " + (dir / "x.db"));
    EXPECT_NE(e.detail().find("no such column: nope (in: SELECT nope FROM t)"), std::string::npos)
        << e.detail();
    EXPECT_EQ(std::string(e.what()), e.where() + ": " + e.detail());
  }
}

}  // namespace
}  // namespace ferry::sql
