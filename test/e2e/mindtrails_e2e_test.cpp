// MindTrails end to end: the real bin/ferry against the stand-in server with keys made by the
// openssl tool. Two runs with rows added in between, deletes only where and when allowed,
// kill -9 at a random moment, a wrong key, failures the client retries, recovery, and a table
// without ids exported as a snapshot.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "e2e/ferry_fixture.h"
#include "e2e/mindtrails_standin.h"
#include "ferry/mindtrails/names.h"
#include "support/crash_walk.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const char kNow[] = "2016-02-01T21:05:09Z";

std::vector<std::string> sample_tables() {
  return {"SUDS", "DASS21_DS", "DD", "DD_FU", "DASS21_AS", "OA", "Demographic", "QOL", "TrialDAO"};
}

// The stand-in's rows (GET /_control/rows) as a data file for another stand-in: the same ids,
// dates and participants (in clear, so that it encrypts them itself).
json as_data_file(const json& rows) {
  json doc = {{"next_id", rows["next_id"]}, {"tables", json::array()}};
  for (const auto& [name, t] : rows["tables"].items()) {
    json table = {{"name", name},
                  {"deleteable", t["deleteable"]},
                  {"kind", t["kind"]},
                  {"secure", t["secure"]},
                  {"rows", json::array()}};
    for (json row : t["rows"]) {
      std::string id = std::to_string(row["id"].get<int64_t>());
      if (t["participants"].contains(id)) {
        row.erase("participantRSA");
        row["participant"] = t["participants"][id];
      }
      table["rows"].push_back(row);
    }
    doc["tables"].push_back(table);
  }
  return doc;
}

class MindTrailsE2E : public ::testing::Test {
 protected:
  void start(bool pkcs8, const std::string& key_for_ferry = "") {
    key_ = make_key(f_.dir(), "team.pem", pkcs8);
    server_ = std::make_unique<MindTrailsStandin>(
        repo_root() + "/test/standins/mindtrails_sample.json", key_.pub, f_.path("standin.log"));
    ASSERT_TRUE(server_->ready()) << read_file(f_.path("standin.log"));
    configure(true, key_for_ferry.empty() ? key_.pem : key_for_ferry);
    f_.env["FERRY_NOW"] = kNow;
  }
  void configure(bool del, const std::string& key, const std::string& more = "") {
    f_.write_config(config_for(*server_, del, key) + more);
  }
  static std::string config_for(const MindTrailsStandin& server, bool del, const std::string& key) {
    return std::string("[alerts]\nto = []\n[http]\nmax_attempts = 3\nmax_backoff = \"1s\"\n") +
           "[[mindtrails.server]]\nname = \"prod\"\nurl = \"" + server.url() + "\"\nusername = \"" +
           MindTrailsStandin::kUser + "\"\npassword = \"" + MindTrailsStandin::kPassword +
           "\"\nprivate_key = \"" + key + "\"\ndelete = " + (del ? "true" : "false") +
           "\ndata_dir = \"data\"\ntimeout = \"10s\"\n";
  }
  std::string date() const { return mindtrails::file_date(*parse_iso8601(kNow)); }
  CsvContents csvs() const {
    return read_csvs(f_.path("data/active_data"), sample_tables(), date());
  }
  json server_rows() const { return server_->control("GET", "/_control/rows"); }
  int deletes_sent(const std::string& table = "") const {
    int n = 0;
    for (const auto& e : server_->log())
      if (e["method"] == "DELETE" &&
          e["path"].get<std::string>().find("/" + table) != std::string::npos)
        ++n;
    return n;
  }
  int64_t max_id(const RowLedger& ledger, const std::string& table) const {
    return ledger.rows().at(table).rbegin()->first;
  }

  FerryEnv f_;
  KeyPair key_;
  std::unique_ptr<MindTrailsStandin> server_;
};

TEST_F(MindTrailsE2E, TwoRunsExportEveryRowOnceThenDeletesOnlyWhereAllowed) {
  start(false);  // PKCS#1 key
  RowLedger ledger;
  ledger.snapshot(*server_);
  configure(false, key_.pem);
  RunResult first = f_.run({"run"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(deletes_sent(), 0) << "delete = false sends no deletes";
  EXPECT_EQ(check_rows(ledger, csvs(), server_rows(), true), "");

  server_->add("SUDS", json::array({{{"session", "POST"}, {"anxiety", 12}, {"participant", 104}},
                                    {{"session", "POST"}, {"anxiety", 13}, {"participant", 105}}}));
  server_->add("DD", json::array({{{"session", "POST"},
                                   {"averDrinks", 1},
                                   {"averDays", 1},
                                   {"maxDrinks", 2},
                                   {"participant", 104}}}));
  server_->add("DASS21_AS", json::array({{{"session", "ELIGIBLE"},
                                          {"breathing", 1},
                                          {"dryness", 0},
                                          {"heart", 0},
                                          {"panic", 0},
                                          {"scared", 0},
                                          {"trembling", 0},
                                          {"worry", 1},
                                          {"over18", "true"},
                                          {"participant", 106}}}));
  ledger.snapshot(*server_);
  configure(true, key_.pem);
  RunResult second = f_.run({"run"});
  ASSERT_EQ(second.exit_code, 0) << second.err;

  EXPECT_EQ(check_rows(ledger, csvs(), server_rows(), true), "");
  json now = server_rows();
  for (const auto& [table, deleteable] : ledger.deleteable()) {
    size_t left = now["tables"][table]["rows"].size();
    size_t had = ledger.rows().count(table) ? ledger.rows().at(table).size() : 0;
    EXPECT_EQ(left, deleteable ? 0u : had) << table << (deleteable ? " is deleteable" : " is not");
    if (!deleteable) {
      EXPECT_EQ(deletes_sent(table), 0) << table;
    }
    if (had > 0) {
      EXPECT_EQ(f_.sql("SELECT value FROM marks WHERE source = 'mindtrails:prod' AND stream = '" +
                       table + "'"),
                std::to_string(max_id(ledger, table)))
          << table;
    }
  }
  EXPECT_EQ(f_.sql("SELECT count(*) FROM mindtrails_deletes WHERE status != 'deleted'"), "0");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM alerts"), "0");

  // Recovery rebuilds each table's CSV from the raw backups alone.
  for (const auto& table : sample_tables()) {
    if (!ledger.rows().count(table) || ledger.rows().at(table).empty()) continue;
    RunResult r = f_.run({"recover", "mindtrails", "--server", "prod", "--scale", table, "--out",
                          f_.path("recovered")});
    ASSERT_EQ(r.exit_code, 0) << table << ": " << r.err;
    EXPECT_EQ(read_file(f_.path("recovered/" + mindtrails::recovered_csv_name(table, date(), 1))),
              read_file(f_.path("data/active_data/" + mindtrails::csv_name(table, date(), 1))))
        << table;
    EXPECT_TRUE(
        file_exists(f_.path("recovered/" + mindtrails::recovered_readme_name(table, date()))));
  }
}

TEST_F(MindTrailsE2E, KilledMidRunTheNextRunGivesTheSameCsvsAndDeletes) {
  // The in-process crash walks (test/mindtrails/crash_walk_test.cpp) stop the export at every
  // durable step; this is the one real kill -9, at a random moment early in a run.
  start(true);  // PKCS#8 key
  RowLedger ledger;
  ledger.snapshot(*server_);
  // What an uninterrupted run makes, against a second server with the same rows.
  write_file(f_.path("twin.json"), as_data_file(server_rows()).dump());
  MindTrailsStandin twin(f_.path("twin.json"), key_.pub, f_.path("twin.log"));
  ASSERT_TRUE(twin.ready()) << read_file(f_.path("twin.log"));
  FerryEnv reference;
  reference.write_config(config_for(twin, true, key_.pem));
  reference.env["FERRY_NOW"] = kNow;
  RunResult whole = reference.run({"run"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;

  // Slow replies keep the run busy for seconds; it is killed soon after its first raw backup.
  server_->fail(
      {{"mode", "slow"}, {"seconds", 0.1}, {"path_contains", "/api/export/"}, {"count", 1000}});
  unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  Child run(f_.argv({"run"}), f_.environment({}), f_.dir());
  for (int i = 0; i < 2000 && run.running() && list_dir(f_.path("data/raw_data")).empty(); ++i)
    std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(list_dir(f_.path("data/raw_data")).empty()) << "no raw backup before the kill";
  std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
  ASSERT_TRUE(run.running()) << "the run ended before it could be killed";
  run.signal(SIGKILL);
  EXPECT_EQ(run.wait(10s), -1);
  EXPECT_EQ(check_rows(ledger, csvs(), server_rows(), false), "") << "right after the kill";

  server_->control("DELETE", "/_control/fail");
  RunResult next = f_.run({"run"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(check_rows(ledger, csvs(), server_rows(), true), "");
  auto got = read_tree(f_.path("data/active_data"));
  auto want = read_tree(reference.path("data/active_data"));
  for (const auto& [name, bytes] : want) EXPECT_EQ(got[name], bytes) << name;
  EXPECT_EQ(got.size(), want.size());
  json left = server_rows()["tables"], twin_left = twin.control("GET", "/_control/rows")["tables"];
  for (const auto& [table, rows] : twin_left.items()) {
    std::set<int64_t> a, b;
    for (const auto& r : left[table]["rows"]) a.insert(r["id"].get<int64_t>());
    for (const auto& r : rows["rows"]) b.insert(r["id"].get<int64_t>());
    EXPECT_EQ(a, b) << "rows left on the server in " << table;
  }
  EXPECT_EQ(f_.state_check(), "ok");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM mindtrails_deletes WHERE status = 'pending'"), "0");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM runs WHERE outcome = 'crashed'"), "1");
}

TEST_F(MindTrailsE2E, WrongKeyGivesOneAlertAndNoDeletes) {
  KeyPair other = make_key(f_.dir(), "other.pem", false);
  start(false, other.pem);
  RunResult r = f_.run({"run"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(f_.sql("SELECT count(*) FROM alerts"), "1");
  EXPECT_EQ(f_.sql("SELECT key FROM alerts"), "mindtrails:prod:key");
  EXPECT_EQ(deletes_sent(), 0);
  EXPECT_EQ(f_.sql("SELECT count(*) FROM marks WHERE stream = 'SUDS'"), "0");
  EXPECT_FALSE(file_exists(f_.path("data/active_data/" + mindtrails::csv_name("SUDS", date(), 1))));
  EXPECT_EQ(f_.all_logs().find(MindTrailsStandin::kPassword), std::string::npos);
}

TEST_F(MindTrailsE2E, FailuresTheClientRetriesLoseNothing) {
  start(false);
  RowLedger ledger;
  ledger.snapshot(*server_);
  server_->fail({{"mode", "truncate"}, {"path_contains", "/api/export/SUDS"}, {"count", 1}});
  server_->fail(
      {{"mode", "500"}, {"path_contains", "/api/export/DD/"}, {"method", "DELETE"}, {"count", 1}});
  server_->fail({{"mode", "drop"}, {"path_contains", "/api/export/TrialDAO"}, {"count", 1}});
  RunResult r = f_.run({"run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(check_rows(ledger, csvs(), server_rows(), true), "");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM alerts"), "0");
  EXPECT_EQ(server_rows()["tables"]["DD"]["rows"].size(), 0u);

  // A table that keeps failing is alerted, and the others go on.
  server_->add("SUDS", json::array({{{"session", "POST"}, {"anxiety", 1}, {"participant", 7}}}));
  server_->fail({{"mode", "500"}, {"path_contains", "/api/export/SUDS"}, {"count", 5}});
  RunResult failed = f_.run({"run"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(f_.sql("SELECT key FROM alerts"), "mindtrails:prod:SUDS:fetch");
  EXPECT_EQ(server_rows()["tables"]["SUDS"]["rows"].size(), 1u);
}

// SIGTERM while a table download hangs past the grace period: the call is cut, and that is a
// stop, not a failure of the server: the run is `interrupted`, no alert, nothing deleted, and
// the next run exports everything.
TEST_F(MindTrailsE2E, SigtermCuttingAFetchIsAnInterruptionNotAFailure) {
  start(false);
  RowLedger ledger;
  ledger.snapshot(*server_);
  configure(true, key_.pem, "[run]\nstop_grace = \"1s\"\n");
  server_->fail(
      {{"mode", "slow"}, {"path_contains", "/api/export/SUDS"}, {"seconds", 30}, {"count", 1}});
  auto fetched_suds = [&] {
    for (const auto& e : server_->log())
      if (e["path"].get<std::string>().find("/api/export/SUDS") != std::string::npos) return true;
    return false;
  };
  {
    Child run(f_.argv({"run"}), f_.environment({}), f_.dir(), f_.path("stopped.log"));
    ASSERT_TRUE(wait_until([&] { return fetched_suds() || !run.running(); }, 60s));
    ASSERT_TRUE(run.running()) << read_file(f_.path("stopped.log"));
    run.signal(SIGTERM);
    ASSERT_NE(run.wait(30s), -2) << "the run did not end after SIGTERM";
    EXPECT_EQ(run.term_signal(), SIGTERM) << read_file(f_.path("stopped.log"));
  }
  EXPECT_EQ(f_.sql("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1"), "interrupted");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM alerts"), "0");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM schedule WHERE failures > 0"), "0");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM schedule WHERE task = 'mindtrails'"), "0");  // not done
  EXPECT_EQ(deletes_sent(), 0);

  RunResult next = f_.run({"run"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(check_rows(ledger, csvs(), server_rows(), true), "");
}

TEST_F(MindTrailsE2E, ExportOneServerByName) {
  start(false);
  configure(false, key_.pem,
            "[[mindtrails.server]]\nname = \"second\"\nurl = \"" + server_->url() +
                "export\"\nusername = \"" + MindTrailsStandin::kUser + "\"\npassword = \"" +
                MindTrailsStandin::kPassword + "\"\nprivate_key = \"" + key_.pem +
                "\"\ndata_dir = \"data2\"\ninclude = [\"SUDS\"]\n");
  RunResult r = f_.run({"export", "mindtrails", "--server", "second"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(file_exists(f_.path("data2/active_data/" + mindtrails::csv_name("SUDS", date(), 1))));
  EXPECT_FALSE(file_exists(f_.path("data2/active_data/" + mindtrails::csv_name("DD", date(), 1))));
  EXPECT_FALSE(file_exists(f_.path("data/active_data")));
  RunResult bad = f_.run({"export", "mindtrails", "--server", "nope"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("configured: prod, second"), std::string::npos) << bad.err;
  EXPECT_NE(f_.run({"export", "mindtrails", "--help"}).out.find("Example:"), std::string::npos);
  EXPECT_NE(f_.run({"recover", "mindtrails", "--help"}).out.find("Example:"), std::string::npos);
}

TEST_F(MindTrailsE2E, TableWithoutIdsIsASnapshotReplacedOnlyWhenItChanges) {
  start(false);  // delete = true, and the table is listed deleteable: still nothing is deleted
  server_->control("POST", "/_control/add",
                   {{"table", "ParticipantExportDAO"},
                    {"deleteable", true},
                    {"kind", "other"},
                    {"secure", true},
                    {"rows",
                     {{{"participantId", 101}, {"theme", "Social"}, {"participant", 101}},
                      {{"participantId", 102}, {"theme", "Health"}, {"participant", 102}}}}});
  const std::string path =
      f_.path("data/active_data/" + mindtrails::csv_name("ParticipantExportDAO", date(), 1));
  auto raw_files = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(f_.path("data/raw_data")))
      n += e.path().filename().string().rfind("ParticipantExportDAO_", 0) == 0;
    return n;
  };
  const std::string state_query =
      "SELECT csv_size || ' ' || sha256 || ' ' || rows || ' ' || updated_at FROM "
      "mindtrails_snapshots WHERE name = 'ParticipantExportDAO'";
  RunResult first = f_.run({"run"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(read_file(path),
            "participantId,participantRSA,theme\r\n101,101,Social\r\n102,102,Health\r\n");
  const auto mtime = std::filesystem::last_write_time(path);
  const std::string state = f_.sql(state_query);
  EXPECT_EQ(raw_files(), 1);

  std::this_thread::sleep_for(50ms);
  RunResult same = f_.run({"run"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(std::filesystem::last_write_time(path), mtime) << "an unchanged table is not rewritten";
  EXPECT_EQ(f_.sql(state_query), state);
  EXPECT_EQ(raw_files(), 1);

  server_->add("ParticipantExportDAO",
               json::array({{{"participantId", 103}, {"theme", "Calm"}, {"participant", 103}}}));
  RunResult changed = f_.run({"run"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(read_file(path),
            "participantId,participantRSA,theme\r\n101,101,Social\r\n102,102,Health\r\n"
            "103,103,Calm\r\n");
  EXPECT_NE(f_.sql(state_query), state);
  EXPECT_EQ(raw_files(), 2);
  EXPECT_EQ(deletes_sent("ParticipantExportDAO"), 0);
  EXPECT_EQ(server_rows()["tables"]["ParticipantExportDAO"]["rows"].size(), 3u);
  EXPECT_EQ(f_.sql("SELECT count(*) FROM mindtrails_deletes WHERE name = 'ParticipantExportDAO'"),
            "0");
  EXPECT_EQ(f_.sql("SELECT count(*) FROM alerts"), "0");

  // Recovery takes the newest raw file, which holds the whole table.
  RunResult r = f_.run({"recover", "mindtrails", "--server", "prod", "--scale",
                        "ParticipantExportDAO", "--out", f_.path("recovered")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(f_.path("recovered/" +
                              mindtrails::recovered_csv_name("ParticipantExportDAO", date(), 1))),
            read_file(path));
}

}  // namespace
}  // namespace ferry::testing
