// sql::Connection on SQLite, and the text helpers both dialects share.
#include "ferry/sql/connection.h"

#include <gtest/gtest.h>

#include "support/process.h"

namespace ferry::sql {
namespace {

using testing::TempDir;

TEST(SqlPlaceholders, NumberedOutsideQuotesAndComments) {
  EXPECT_EQ(numbered_placeholders("SELECT ?, '?', \"a?\", ? -- why?\n, ?"),
            "SELECT $1, '?', \"a?\", $2 -- why?\n, $3");
  EXPECT_EQ(numbered_placeholders("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
  EXPECT_EQ(numbered_placeholders("SELECT 1"), "SELECT 1");
  EXPECT_EQ(numbered_placeholders("a >= ?1 AND b < ?2 AND (a > ?1 OR c > ?3) LIMIT ?"),
            "a >= $1 AND b < $2 AND (a > $1 OR c > $3) LIMIT $4");
}

TEST(SqlMaskUrl, HidesThePasswordInEveryForm) {
  EXPECT_EQ(mask_url("postgresql://ferry:s3cret@db:5432/ferry"),
            "postgresql://ferry:********@db:5432/ferry");
  EXPECT_EQ(mask_url("postgresql://ferry@db/ferry?password=s3cret&sslmode=require"),
            "postgresql://ferry@db/ferry?password=********&sslmode=require");
  EXPECT_EQ(mask_url("host=db password=s3cret dbname=ferry"),
            "host=db password=******** dbname=ferry");
  EXPECT_EQ(mask_url("postgresql://ferry@db/ferry"), "postgresql://ferry@db/ferry");
}

TEST(SqlValue, TextAsSqlite3PrintsIt) {
  EXPECT_EQ(to_text(Value{}), "");
  EXPECT_EQ(to_text(Value{int64_t{-9223372036854775807 - 1}}), "-9223372036854775808");
  EXPECT_EQ(to_text(Value{0.1}), "0.10000000000000001");
  EXPECT_EQ(to_text(Value{std::string("a'b")}), "a'b");
}

TEST(SqlCopyLine, EscapesWhatTheTextFormatNeedsEscaped) {
  std::string out;
  append_copy_line({Value{}, int64_t{-3}, 1.5, std::string("a\tb\nc\rd\\e \\N")}, out);
  EXPECT_EQ(out, "\\N\t-3\t1.5\ta\\tb\\nc\\rd\\\\e \\\\N\n");
  EXPECT_EQ(quote_name("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(insert_statement("t", {"a", "key"}),
            "INSERT INTO \"t\" (\"a\", \"key\") VALUES (?, ?)");
}

TEST(SqliteConnection, BulkInsertAddsRowsAndNamesTheRowItRefuses) {
  TempDir dir;
  auto db = open_sqlite(dir / "x.db", true);
  db->exec("CREATE TABLE t (i INTEGER PRIMARY KEY, s TEXT NOT NULL)");
  auto in = db->bulk_insert("t", {"i", "s"});
  for (int64_t i = 1; i <= 1000; ++i) in->add({i, std::to_string(i)});
  in->finish();
  EXPECT_EQ(std::get<int64_t>(db->scalar("SELECT sum(i) FROM t")), 500500);
  auto again = db->bulk_insert("t", {"i", "s"});
  try {
    again->add({int64_t{1}, std::string("x")});
    FAIL() << "a duplicate key went in";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed: t.i"), std::string::npos)
        << e.what();
  }
}

TEST(SqliteConnection, BindsAndReadsEveryKindOfValue) {
  TempDir dir;
  auto db = open_sqlite(dir / "x.db", true);
  EXPECT_EQ(db->dialect(), Dialect::kSqlite);
  db->exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)");
  db->run("INSERT INTO t VALUES (?, ?, ?, ?)",
          {int64_t{9007199254740993}, 2.5, std::string("é\n'\"", 6), Value{}});
  std::vector<Row> rows;
  db->query("SELECT i, r, s, n FROM t WHERE i > ?", {int64_t{0}},
            [&](const Row& r) { rows.push_back(r); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(rows[0][0]), 9007199254740993);
  EXPECT_EQ(std::get<double>(rows[0][1]), 2.5);
  EXPECT_EQ(std::get<std::string>(rows[0][2]), std::string("é\n'\"", 6));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(rows[0][3]));
  EXPECT_EQ(std::get<int64_t>(db->scalar("SELECT count(*) FROM t")), 1);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(db->scalar("SELECT i FROM t WHERE 0")));
}

TEST(SqliteConnection, ErrorsNameTheFileAndTheStatement) {
  TempDir dir;
  auto db = open_sqlite(dir / "x.db", true);
  try {
    db->run("SELECT nope FROM missing");
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(dir / "x.db"), std::string::npos) << what;
    EXPECT_NE(what.find("no such table: missing"), std::string::npos) << what;
    EXPECT_NE(what.find("SELECT nope FROM missing"), std::string::npos) << what;
  }
  EXPECT_THROW(open_sqlite(dir / "absent.db", false), Error);
}

TEST(SqliteConnection, AnExceptionFromTheRowCallbackStopsTheStatement) {
  TempDir dir;
  auto db = open_sqlite(dir / "x.db", true);
  db->exec("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  int seen = 0;
  EXPECT_THROW(db->query("SELECT i FROM t", {},
                         [&](const Row&) {
                           if (++seen == 2) throw std::runtime_error("enough");
                         }),
               std::runtime_error);
  EXPECT_EQ(seen, 2);
  db->begin();  // the statement is finished: the connection is usable
  db->run("DELETE FROM t");
  db->commit();
  EXPECT_EQ(std::get<int64_t>(db->scalar("SELECT count(*) FROM t")), 0);
}

}  // namespace
}  // namespace ferry::sql
