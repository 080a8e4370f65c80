// state::Store on a PostgreSQL database: migrations from several hosts at once, transactions,
// and the database's failures as the StateErrors the runner understands.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "ferry/state/store.h"
#include "support/postgres.h"
#include "support/process.h"
#include "support/requirements.h"

namespace ferry::state {
namespace {

using ferry::testing::shared_postgres;
using ferry::testing::TempDir;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1452470700));
const Component kWidgets{"widgets",
                         {{1, "widgets", "CREATE TABLE widgets (id INTEGER PRIMARY KEY);"},
                          {2, "names", "ALTER TABLE widgets ADD COLUMN name TEXT;"}}};

class StorePostgresIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::ferry::testing::refused_in_unit_run("a PostgreSQL server")) return;
    FERRY_REQUIRE(shared_postgres().skip_reason());
    ASSERT_TRUE(shared_postgres().ready()) << shared_postgres().error();
    url_ = shared_postgres().new_database();
  }
  Store::Location at(const std::string& folder) const { return {dir_ / folder, url_, ""}; }
  TempDir dir_;
  std::string url_;
};

TEST_F(StorePostgresIntegration, EachHostKeepsItsUnrecordedRunsInItsOwnFolder) {
  Store a(at("a")), b(at("b"));
  UnrecordedRuns(a).add(7);
  EXPECT_EQ(UnrecordedRuns(a).path(), dir_ / "a/ferry.unrecorded");
  EXPECT_EQ(UnrecordedRuns(a).ids(), std::vector<int64_t>{7});
  EXPECT_TRUE(UnrecordedRuns(b).ids().empty());
}

TEST_F(StorePostgresIntegration, HostsOpeningANewDatabaseAtOnceMigrateItOnce) {
  std::vector<std::future<std::pair<int, int>>> hosts;
  for (int i = 0; i < 4; ++i)
    hosts.push_back(std::async(std::launch::async, [&, i] {
      Store s(at("host" + std::to_string(i)), {kWidgets});
      return std::make_pair(s.schema_version(), s.component_version("widgets"));
    }));
  for (auto& h : hosts) {
    auto [core, widgets] = h.get();
    EXPECT_EQ(core, migrations().back().version);
    EXPECT_EQ(widgets, 2);
  }
  Store again(at("later"), {kWidgets});
  EXPECT_EQ(std::get<int64_t>(again.db().scalar("SELECT count(*) FROM schema_versions")), 2);
  JobStore(again).enqueue("k", "", "", "{}", kT0);
  EXPECT_EQ(JobStore(again).counts().queued, 1);
}

TEST_F(StorePostgresIntegration, AFailedStatementUndoesItsWholeTransaction) {
  Store store(at("a"), {kWidgets});
  store.transaction([&] { store.db().exec("INSERT INTO widgets (id) VALUES (1)"); });
  try {
    store.transaction([&] {
      store.db().exec("INSERT INTO widgets (id) VALUES (5)");
      store.db().exec("INSERT INTO widgets (id) VALUES (5)");  // a duplicate: all of it undone
    });
    FAIL() << "no error";
  } catch (const OperationError& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::get<int64_t>(store.db().scalar("SELECT count(*) FROM widgets")), 1);
}

TEST_F(StorePostgresIntegration, ALockHeldPastTheTimeoutIsLockedAndTheStoreGoesOn) {
  Store store(at("a"), {}, {}, 200ms);
  auto other = sql::open_postgres(url_, "");
  other->exec("BEGIN; LOCK TABLE jobs IN EXCLUSIVE MODE");
  try {
    JobStore(store).enqueue("k", "", "", "{}", kT0);
    FAIL() << "no error";
  } catch (const sql::Error& e) {  // a statement's error, which the runner maps as here
    auto se = store.error_of(e);
    ASSERT_TRUE(se) << e.what();
    EXPECT_TRUE(se->locked()) << se->what();
    EXPECT_EQ(se->kind(), FailureKind::kInterrupted);
    EXPECT_NE(std::string(se->what()).find("the state database " + url_ + " is busy"),
              std::string::npos)
        << se->what();
  }
  try {  // in a transaction, the store maps it itself
    store.transaction([&] { JobStore(store).enqueue("k", "", "", "{}", kT0); });
    FAIL() << "no error";
  } catch (const StateError& e) {
    EXPECT_TRUE(e.locked()) << e.what();
  }
  other->exec("COMMIT");
  JobStore(store).enqueue("k", "", "", "{}", kT0);
  EXPECT_EQ(JobStore(store).counts().queued, 1);
}

TEST_F(StorePostgresIntegration, AnUnreachableDatabaseIsBrokenAndNamed) {
  std::string url = "postgresql://ferry@127.0.0.1:1/none";
  try {
    Store store(Store::Location{dir_ / "a", url, ""});
    FAIL() << "opened";
  } catch (const StateError& e) {
    EXPECT_TRUE(e.broken()) << e.what();
    EXPECT_NE(std::string(e.what()).find("the state database " + url +
                                         " cannot be used: cannot "
                                         "connect"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(StorePostgresIntegration, ANewerSchemaIsRefused) {
  { Store(at("a")).db().run("UPDATE schema_versions SET version = 999 WHERE component = 'core'"); }
  try {
    Store store(at("a"));
    FAIL() << "opened";
  } catch (const StateError& e) {
    EXPECT_TRUE(e.broken()) << e.what();
    EXPECT_NE(std::string(e.what()).find("has schema version 999"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferry::state
