// `ferry state migrate`: the state copied into PostgreSQL and back into a new SQLite file by the
// real binary, against a throwaway PostgreSQL cluster on loopback.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "e2e/ferry_fixture.h"
#include "ferry/sql/connection.h"
#include "ferry/state/store.h"
#include "state/filled_state.h"
#include "support/postgres.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

class StateMigrateE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    FERRY_SQLITE_ONLY();  // copies the configured SQLite state
    if (refused_in_unit_run("PostgreSQL and bin/ferry")) return;
    FERRY_REQUIRE(shared_postgres().skip_reason());
    ASSERT_TRUE(shared_postgres().ready()) << shared_postgres().error();
    ASSERT_EQ(f_.run({"init"}).exit_code, 0);
    auto db = sql::open_sqlite(f_.path("state/ferry.db"), false);
    fill_every_table(*db);
    contents_ = table_contents(*db);
    schema_ = sqlite_schema(*db);
  }
  FerryEnv f_;
  std::map<std::string, std::vector<std::string>> contents_;
  std::string schema_;
};

TEST_F(StateMigrateE2E, SqliteToPostgresAndBackGivesIdenticalTables) {
  std::string url = shared_postgres().new_database();
  RunResult to = f_.run({"state", "migrate", "--to", url});
  ASSERT_EQ(to.exit_code, 0) << to.err;
  EXPECT_NE(to.out.find("copied 19 tables, 29 rows from " + f_.path("state/ferry.db") + " to " +
                        url + "; every table's count checked"),
            std::string::npos)
      << to.out;
  EXPECT_NE(to.out.find("  jobs                    3\n"), std::string::npos) << to.out;
  auto pg = sql::open_postgres(url, "");
  auto in_pg = table_contents(*pg);
  EXPECT_EQ(
      in_pg["schema_versions"][1],
      "t:core | i:" +
          std::to_string(state::migrations().back().version));  // PRAGMA user_version on SQLite
  in_pg["schema_versions"].erase(in_pg["schema_versions"].begin() + 1);
  EXPECT_EQ(in_pg, contents_);

  std::string file = f_.path("back/ferry.db");
  RunResult back = f_.run({"state", "migrate", "--from", url, "--to", "sqlite:" + file});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(list_dir(f_.path("back")), (std::vector<std::string>{"ferry.db"}));
  auto copy = sql::open_sqlite(file, false);
  EXPECT_EQ(table_contents(*copy), contents_);
  EXPECT_EQ(sqlite_schema(*copy), schema_);
  EXPECT_EQ(std::get<std::string>(copy->scalar("PRAGMA journal_mode")), "wal");
  // ferry runs on it.
  RunResult jobs = f_.run({"jobs", "--all"}, {{"FERRY_STATE_DIR", f_.path("back")}});
  EXPECT_EQ(jobs.exit_code, 0) << jobs.err;
  EXPECT_NE(jobs.out.find("cake-conversions"), std::string::npos) << jobs.out;
}

TEST_F(StateMigrateE2E, ATargetInUseIsRefusedAndNothingIsWritten) {
  std::string url = shared_postgres().new_database();
  ASSERT_EQ(f_.run({"state", "migrate", "--to", url}).exit_code, 0);
  RunResult again = f_.run({"state", "migrate", "--to", url});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find(url + " is not empty"), std::string::npos) << again.err;

  write_file(f_.path("taken.db"), "mine");
  RunResult file = f_.run({"state", "migrate", "--to", "sqlite:" + f_.path("taken.db")});
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_NE(file.err.find(f_.path("taken.db") + " exists"), std::string::npos) << file.err;
  EXPECT_EQ(read_file(f_.path("taken.db")), "mine");

  RunResult bad = f_.run({"state", "migrate", "--to", "mysql://x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("neither postgresql://"), std::string::npos) << bad.err;
}

TEST_F(StateMigrateE2E, ThePasswordIsNeverPrinted) {
  std::string url = "postgresql://ferry:hunter2@127.0.0.1:" + std::to_string(free_port()) + "/x";
  RunResult r = f_.run({"state", "migrate", "--to", url}, {{"FERRY_STATE_PASSWORD", "swordfish"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("postgresql://ferry:********@127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
  for (std::string secret : {"hunter2", "swordfish"}) {
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_EQ(f_.all_logs().find(secret), std::string::npos);
  }
}

TEST_F(StateMigrateE2E, ThePasswordComesFromTheEnvironmentOrPgpass) {
  std::string url = shared_postgres().new_database("ferry_pw");
  RunResult none = f_.run({"state", "migrate", "--to", url}, {{"PGPASSFILE", "/nonexistent"}});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no password supplied"), std::string::npos) << none.err;

  RunResult wrong = f_.run({"state", "migrate", "--to", url},
                           {{"FERRY_STATE_PASSWORD", "trout"}, {"PGPASSFILE", "/nonexistent"}});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("password authentication failed for user \"ferry_pw\""),
            std::string::npos)
      << wrong.err;
  EXPECT_EQ(wrong.err.find("trout"), std::string::npos) << wrong.err;

  RunResult right = f_.run({"state", "migrate", "--to", url},
                           {{"FERRY_STATE_PASSWORD", "swordfish"}, {"PGPASSFILE", "/nonexistent"}});
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_EQ(right.out.find("swordfish"), std::string::npos) << right.out;

  std::string other = shared_postgres().new_database("ferry_pw");
  std::string pgpass = f_.path("pgpass");
  write_file(pgpass,
             "127.0.0.1:" + std::to_string(shared_postgres().port()) + ":*:ferry_pw:swordfish\n");
  ASSERT_EQ(::chmod(pgpass.c_str(), 0600), 0);  // libpq ignores a file others can read
  RunResult from_file = f_.run({"state", "migrate", "--to", other}, {{"PGPASSFILE", pgpass}});
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
}

}  // namespace
}  // namespace ferry::testing
