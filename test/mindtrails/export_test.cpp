// The export of a server pass against the in-memory server: order of safety, benchmarks,
// greaterThan, decryption, deletes only where allowed, resume after a crash, and the critical
// failures (list, fetch, backup, CSV, key) with their alerts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ferry/crypto/base64.h"
#include "ferry/io/files.h"
#include "mindtrails/export_fixture.h"

namespace ferry::mindtrails::testing {
namespace {

using ferry::testing::file_exists;
using ferry::testing::read_file;
using ferry::testing::write_file;
using net::FakeHttpClient;
using nlohmann::json;

class MindTrailsExport : public ExportFixture {};

// The real file system, whose disk fills up after `writes` appends: later appends fail as a
// full disk's do (ENOSPC).
class FullDiskEnv : public io::Env {
 public:
  explicit FullDiskEnv(int writes) : left_(writes) {}
  std::unique_ptr<io::WritableFile> new_file(const std::string& path) override {
    return std::make_unique<File>(base_.new_file(path), left_);
  }
  std::unique_ptr<io::WritableFile> open_append(const std::string& path) override {
    return std::make_unique<File>(base_.open_append(path), left_);
  }
  void rename(const std::string& from, const std::string& to) override { base_.rename(from, to); }
  void sync_dir(const std::string& dir) override { base_.sync_dir(dir); }
  bool remove(const std::string& path) override { return base_.remove(path); }
  int64_t file_size(const std::string& path) override { return base_.file_size(path); }
  std::string read_file(const std::string& path) override { return base_.read_file(path); }
  std::vector<std::string> list_dir(const std::string& dir) override { return base_.list_dir(dir); }
  void make_dirs(const std::string& dir) override { base_.make_dirs(dir); }

 private:
  class File : public io::WritableFile {
   public:
    File(std::unique_ptr<io::WritableFile> base, int& left) : base_(std::move(base)), left_(left) {}
    void append(std::string_view data) override {
      if (left_-- <= 0)
        throw OperationError(FailureKind::kPermanent,
                             "cannot write " + path() + ": " + std::strerror(ENOSPC));
      base_->append(data);
    }
    void sync() override { base_->sync(); }
    void truncate(uint64_t size) override { base_->truncate(size); }
    uint64_t size() const override { return base_->size(); }
    const std::string& path() const override { return base_->path(); }

   private:
    std::unique_ptr<io::WritableFile> base_;
    int& left_;
  };
  io::Env& base_ = io::Env::posix();
  int left_;
};

TEST_F(MindTrailsExport, NewRowsAreDecryptedWrittenCommittedThenDeleted) {
  server_.add("SUDS", 11, 101, true, {{"anxiety", 55}});
  server_.add("SUDS", 14, 102, true, {{"anxiety", 70}});
  server_.table("DASS21_AS", false);
  server_.add("DASS21_AS", 12, 101, false, {{"worry", 3}});
  EXPECT_TRUE(pass().empty());

  EXPECT_EQ(csv("SUDS"),
            "anxiety,date,id,participantRSA,session\r\n"
            "55,\"Mon, 01 Feb 2016 09:12:44 -0500\",11,101,PRE\r\n"
            "70,\"Mon, 01 Feb 2016 09:12:44 -0500\",14,102,PRE\r\n");
  EXPECT_EQ(csv("DASS21_AS"),
            "date,id,participant,session,worry\r\n"
            "\"Mon, 01 Feb 2016 09:12:44 -0500\",12,101,PRE,3\r\n");
  EXPECT_EQ(sql("SELECT value FROM marks WHERE source='mindtrails:prod' AND stream='SUDS'"), "14");
  EXPECT_EQ(sql("SELECT value FROM marks WHERE source='mindtrails:prod' AND stream='DASS21_AS'"),
            "12");
  EXPECT_TRUE(server_.ids("SUDS").empty());
  EXPECT_EQ(server_.ids("DASS21_AS"), (std::set<int64_t>{12}));
  EXPECT_EQ(server_.forbidden_deletes, 0);
  EXPECT_EQ(server_.log, (std::vector<std::string>{"GET list", "GET SUDS?greaterThan=0",
                                                   "GET DASS21_AS?greaterThan=0", "DELETE SUDS/11",
                                                   "DELETE SUDS/14"}));
  EXPECT_EQ(joined("SELECT status FROM mindtrails_deletes ORDER BY row_id", ","),
            "deleted,deleted");
  EXPECT_TRUE(file_exists(settings_.raw_dir() + "/" +
                          raw_name("SUDS", file_date(services_.now), file_time(services_.now), 1)));

  // The next run asks for rows above the benchmark and appends them once.
  server_.add("SUDS", 20, 103, true, {{"anxiety", 1}});
  server_.add("DASS21_AS", 21, 104, false, {{"worry", 0}});
  later(5);
  server_.log.clear();
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(count("GET SUDS?greaterThan=14"), 1);
  EXPECT_EQ(count("GET DASS21_AS?greaterThan=12"), 1);
  EXPECT_NE(csv("SUDS").find("1,\"Mon, 01 Feb 2016 09:12:44 -0500\",20,103,PRE\r\n"),
            std::string::npos);
  EXPECT_EQ(lines("DASS21_AS"), 3);
  EXPECT_EQ(sql("SELECT value FROM marks WHERE stream='SUDS'"), "20");
  EXPECT_TRUE(alerts_.events.empty());
}

TEST_F(MindTrailsExport, Pkcs8KeyWorksToo) {
  settings_.private_key = TestKeys::get().path("key8.pem");
  server_.add("SUDS", 11, 101);
  EXPECT_TRUE(pass().empty());
  EXPECT_NE(csv("SUDS").find(",11,101,PRE"), std::string::npos);
}

TEST_F(MindTrailsExport, RowsAtOrBelowTheBenchmarkAreDroppedAndLeftoversDigestedDaily) {
  settings_.delete_rows = false;
  server_.table("TrialDAO").honours_greater_than = false;
  server_.add("TrialDAO", 1, 101, false);
  server_.add("TrialDAO", 2, 102, false);
  EXPECT_TRUE(pass().empty());
  server_.add("TrialDAO", 3, 103, false);
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(csv("TrialDAO"),
            "date,id,participant,session\r\n"
            "\"Mon, 01 Feb 2016 09:12:44 -0500\",1,101,PRE\r\n"
            "\"Mon, 01 Feb 2016 09:12:44 -0500\",2,102,PRE\r\n"
            "\"Mon, 01 Feb 2016 09:12:44 -0500\",3,103,PRE\r\n");
  EXPECT_EQ(count("DELETE"), 0);
  ASSERT_EQ(alerts("mindtrails:prod:leftovers"), 1);
  EXPECT_NE(alerts_.events.back().body.find("TrialDAO: 2 rows"), std::string::npos);
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(alerts("mindtrails:prod:leftovers"), 1);  // once a day
  later(24 * 60);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(alerts("mindtrails:prod:leftovers"), 2);
}

TEST_F(MindTrailsExport, LeftoversAreDeletedOnceDeletesAreTurnedOn) {
  settings_.delete_rows = false;
  server_.add("SUDS", 11, 101);
  server_.add("SUDS", 14, 102);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(count("DELETE"), 0);
  settings_.delete_rows = true;
  server_.add("SUDS", 20, 103);
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(count("GET SUDS?greaterThan=0"), 2);  // the first run, and one sweep for leftovers
  EXPECT_TRUE(server_.ids("SUDS").empty());
  EXPECT_EQ(lines("SUDS"), 4);
}

TEST_F(MindTrailsExport, DeleteOutcomes) {
  for (int id : {1, 2, 3}) server_.add("A", id, 100 + id);
  server_.table("B").forbid_deletes = true;
  for (int id : {4, 5}) server_.add("B", id, 100 + id);
  int failures_left = 1;
  server_.inject = [&](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (r.method == "DELETE" && r.url.find("/A/2") != std::string::npos)
      return FakeHttpClient::respond(404,
                                     R"({"message":"Questionnaire with that ID does not exist."})");
    if (r.method == "DELETE" && r.url.find("/A/3") != std::string::npos && failures_left-- > 0)
      return FakeHttpClient::respond(500, R"({"message":"boom"})");
    return std::nullopt;
  };
  auto f = pass();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("HTTP 500"), std::string::npos) << f[0];
  EXPECT_EQ(alerts("mindtrails:prod:A:delete"), 1);
  EXPECT_EQ(joined("SELECT status FROM mindtrails_deletes ORDER BY row_id", " "),
            "deleted gone pending pending pending");
  EXPECT_EQ(sql("SELECT attempts FROM mindtrails_deletes WHERE row_id = 3"), "1");

  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(joined("SELECT status FROM mindtrails_deletes ORDER BY row_id", " "),
            "deleted gone deleted kept kept");
  EXPECT_EQ(server_.forbidden_deletes, 1);  // 403 once, then the table is kept
  EXPECT_EQ(sql("SELECT deleteable FROM mindtrails_tables WHERE name = 'B'"), "0");
  server_.add("B", 6, 106);
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(server_.forbidden_deletes, 1);
  EXPECT_EQ(count("DELETE B/6"), 0);
  EXPECT_NE(csv("B").find(",6,106,"), std::string::npos);
}

TEST_F(MindTrailsExport, ResumeCutsUncommittedRowsSoNothingIsDuplicated) {
  server_.add("SUDS", 11, 101);
  settings_.delete_rows = false;
  EXPECT_TRUE(pass().empty());
  std::string committed = csv("SUDS");
  // A run appended rows 14 and 15 and was killed before its commit.
  server_.add("SUDS", 14, 102);
  server_.add("SUDS", 15, 103);
  {
    io::AppendFile f(csv_path("SUDS"));
    f.append("x,\"Mon, 01 Feb 2016 09:12:44 -0500\",14,102,PRE\r\nx,half a ro");
  }
  later(5);
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(csv("SUDS"), committed +
                             "\"Mon, 01 Feb 2016 09:12:44 -0500\",14,102,PRE\r\n"
                             "\"Mon, 01 Feb 2016 09:12:44 -0500\",15,103,PRE\r\n");
  EXPECT_EQ(sql("SELECT csv_size FROM mindtrails_tables WHERE name = 'SUDS'"),
            std::to_string(csv("SUDS").size()));
}

TEST_F(MindTrailsExport, KeySetChangeMidReplyCommitsEachFile) {
  server_.add("SUDS", 11, 101);
  server_.add("SUDS", 14, 102, true, {{"newField", true}});
  EXPECT_TRUE(pass().empty());
  EXPECT_EQ(csv("SUDS"),
            "date,id,participantRSA,session\r\n"
            "\"Mon, 01 Feb 2016 09:12:44 -0500\",11,101,PRE\r\n");
  EXPECT_EQ(csv("SUDS", 2),
            "date,id,newField,participantRSA,session\r\n"
            "\"Mon, 01 Feb 2016 09:12:44 -0500\",14,true,102,PRE\r\n");
  EXPECT_EQ(sql("SELECT value FROM marks WHERE stream = 'SUDS'"), "14");
  EXPECT_EQ(sql("SELECT csv_path FROM mindtrails_tables WHERE name = 'SUDS'"), csv_path("SUDS", 2));
}

TEST_F(MindTrailsExport, CorruptCellKeepsItsCiphertextAndIsCounted) {
  server_.add("SUDS", 11, 101);
  server_.add("SUDS", 12, 102);
  std::string junk = crypto::base64_encode(std::string(256, 'x'));
  server_.add("SUDS", 13, 0, false, {{"participantRSA", junk}});
  server_.table("SUDS").rows.back().erase("participant");
  EXPECT_TRUE(pass().empty());
  EXPECT_NE(csv("SUDS").find(",13," + junk + ",PRE"), std::string::npos);
  EXPECT_EQ(sql("SELECT value FROM run_stats WHERE name = 'mindtrails:prod:decrypt_failures'"),
            "1");
  EXPECT_TRUE(server_.ids("SUDS").empty());
}

TEST_F(MindTrailsExport, WrongKeyGivesOneAlertAndNothingIsDeleted) {
  settings_.private_key = TestKeys::get().path("other.pem");
  server_.add("SUDS", 11, 101);
  server_.add("DD", 12, 102);
  server_.add("TrialDAO", 13, 103, false);
  auto f = pass();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:key"), 1);
  EXPECT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(count("DELETE"), 0);
  EXPECT_EQ(csv("SUDS"), "");
  EXPECT_EQ(server_.ids("SUDS").size(), 1u);
  EXPECT_EQ(sql("SELECT count(*) FROM marks WHERE stream IN ('SUDS','DD')"), "0");
  EXPECT_FALSE(
      file_exists(settings_.raw_dir() + "/" +
                  raw_name("SUDS", file_date(services_.now), file_time(services_.now), 1)));
}

TEST_F(MindTrailsExport, UnloadableKeyStopsBeforeTheList) {
  settings_.private_key = tmp_ / "missing.pem";
  server_.add("SUDS", 11, 101);
  auto f = pass();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:key"), 1);
  EXPECT_TRUE(server_.log.empty());
  settings_.private_key = "";
  EXPECT_EQ(pass().size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:key"), 2);
}

TEST_F(MindTrailsExport, ListAndFetchFailuresAreAlerted) {
  server_.add("SUDS", 11, 101);
  server_.add("DD", 12, 102);
  server_.inject = [](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (r.url == FakeMindTrails::kBase) return FakeHttpClient::respond(503);
    return std::nullopt;
  };
  EXPECT_EQ(pass().size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:list"), 1);

  server_.inject = [](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (r.url.find("/SUDS?") != std::string::npos)
      return FakeHttpClient::respond(200, "[{\"id\":1");
    return std::nullopt;
  };
  auto f = pass();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:SUDS:fetch"), 1);
  EXPECT_EQ(server_.ids("SUDS").size(), 1u);  // not deleted
  EXPECT_TRUE(server_.ids("DD").empty());     // the other table went on
}

// A stop request that cuts a call (SIGTERM after the grace period) is not a failure of the
// server: no alert, nothing deleted, the pass ends at once and says it was interrupted.
TEST_F(MindTrailsExport, ACallCutByAStopIsAnInterruptionNotAFailure) {
  server_.add("SUDS", 11, 101);
  server_.add("DD", 12, 102);
  auto cut = [] {
    net::HttpResponse r;
    r.error = net::TransportError::kInterrupted;
    r.error_message = "stopped by SIGTERM";
    return r;
  };
  server_.inject = [&](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (r.url.find("/SUDS?") != std::string::npos) return cut();
    return std::nullopt;
  };
  services_.run_id = state::RunStore(store_).begin(services_.now, 1);
  {
    ServerPass p(settings_, pipeline_, services_);
    for (int i = 0; i < 1000 && !p.step(); ++i) {
    }
    EXPECT_TRUE(p.failures().empty());
    ASSERT_TRUE(p.interrupted().has_value());
    EXPECT_NE(p.interrupted()->find("SUDS"), std::string::npos) << *p.interrupted();
  }
  EXPECT_TRUE(alerts_.events.empty());
  EXPECT_EQ(count("GET DD"), 0);  // no other table started after the cut
  EXPECT_EQ(server_.ids("SUDS").size(), 1u);

  // The same for the table list and for a delete.
  server_.inject = [&](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (r.url == FakeMindTrails::kBase) return cut();
    return std::nullopt;
  };
  {
    ServerPass p(settings_, pipeline_, services_);
    for (int i = 0; i < 1000 && !p.step(); ++i) {
    }
    EXPECT_TRUE(p.failures().empty());
    EXPECT_TRUE(p.interrupted().has_value());
  }
  server_.inject = [&](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (r.method == "DELETE") return cut();
    return std::nullopt;
  };
  {
    ServerPass p(settings_, pipeline_, services_);
    for (int i = 0; i < 1000 && !p.step(); ++i) {
    }
    EXPECT_TRUE(p.failures().empty());
    EXPECT_TRUE(p.interrupted().has_value());
  }
  EXPECT_TRUE(alerts_.events.empty());
  EXPECT_EQ(server_.ids("SUDS").size(), 1u);  // exported, its delete still pending
  EXPECT_EQ(sql("SELECT count(*) FROM mindtrails_deletes WHERE status = 'pending'"), "2");
}

TEST_F(MindTrailsExport, BackupAndCsvFailuresMoveNothing) {
  server_.add("SUDS", 11, 101);
  server_.add("DD", 12, 102);
  // A folder that cannot be written: one alert for the server, naming path and error; nothing
  // is fetched.
  write_file(settings_.data_dir + "/raw_data", "a file where the folder should be");
  EXPECT_EQ(pass().size(), 1u);
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].key, "mindtrails:prod:data_dir");
  EXPECT_NE(alerts_.events[0].body.find(settings_.raw_dir()), std::string::npos);
  EXPECT_NE(alerts_.events[0].body.find("Not a directory"), std::string::npos);
  EXPECT_TRUE(server_.log.empty());
  EXPECT_EQ(csv("SUDS"), "");

  std::filesystem::remove(settings_.data_dir + "/raw_data");
  write_file(settings_.data_dir + "/active_data", "a file where the folder should be");
  EXPECT_EQ(pass().size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:data_dir"), 2);
  EXPECT_EQ(alerts_.events.size(), 2u);

  // One table's own file that cannot be written: that table's alert; the other goes on.
  std::filesystem::remove(settings_.data_dir + "/active_data");
  std::filesystem::create_directories(settings_.active_dir());
  std::filesystem::create_symlink("/proc/no-such-dir/file.csv", csv_path("SUDS"));
  EXPECT_EQ(pass().size(), 1u);
  EXPECT_EQ(alerts("mindtrails:prod:SUDS:csv"), 1);
  EXPECT_EQ(sql("SELECT count(*) FROM marks WHERE stream = 'SUDS'"), "0");
  EXPECT_EQ(sql("SELECT value FROM marks WHERE stream = 'DD'"), "12");
  EXPECT_EQ(sql("SELECT count(*) FROM mindtrails_deletes WHERE name = 'SUDS'"), "0");
  EXPECT_EQ(server_.ids("SUDS").size(), 1u);
}

TEST_F(MindTrailsExport, AFolderThatFailsDuringThePassIsOneAlertForTheServer) {
  for (const char* table : {"SUDS", "DD", "OA"}) server_.add(table, 11, 101);
  // The folders pass the check at the start, then the disk refuses every write (as a full
  // disk does): the first table's failure stops the server with one alert, naming the error.
  FullDiskEnv env(2);  // the two checks at the start write; then the disk is full
  auto services = services_over(store_, http_, env);
  EXPECT_EQ(pass(services).size(), 1u);
  ASSERT_EQ(alerts_.events.size(), 1u) << alerts_.events.back().key;
  EXPECT_EQ(alerts_.events[0].key, "mindtrails:prod:data_dir");
  EXPECT_NE(alerts_.events[0].body.find("No space left on device"), std::string::npos);
  EXPECT_EQ(count("GET "), 2) << "the list and the first table only";
  for (const char* table : {"SUDS", "DD", "OA"}) EXPECT_EQ(server_.ids(table).size(), 1u);
}

}  // namespace
}  // namespace ferry::mindtrails::testing
