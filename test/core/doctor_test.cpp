// The `ferry doctor` runner and the core's checks, with fakes for mail, S3 and free space.
#include "ferry/core/doctor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "ferry/base/error.h"
#include "ferry/config/config.h"
#include "ferry/core/pipeline.h"
#include "ferry/core/registry.h"
#include "ferry/net/fake_object_store.h"
#include "ferry/net/mailer.h"
#include "ferry/s3/store.h"
#include "support/process.h"

namespace ferry::core {
namespace {

using ferry::testing::TempDir;
using ferry::testing::write_file;

DoctorCheck check(std::string name, std::function<std::string()> run, bool warning = false) {
  DoctorCheck c;
  c.name = std::move(name);
  c.run = std::move(run);
  c.warning_only = warning;
  return c;
}

TEST(DoctorRunner, RunsEveryCheckInOrderAndSaysWhatFailedAndWhy) {
  std::vector<std::string> ran;
  std::vector<DoctorCheck> checks = {
      check("first", [&] { return ran.push_back("first"), std::string(); }),
      check("second", [&] { return ran.push_back("second"), std::string("HTTP 403 denied"); }),
      check("third",
            [&]() -> std::string {
              ran.push_back("third");
              throw OperationError(FailureKind::kTransient, "timeout after 10s");
            }),
      check(
          "fourth", [&] { return ran.push_back("fourth"), std::string("low"); }, true),
      skipped_check("fifth", "nothing configured"),
  };
  std::ostringstream out;
  auto lines = run_doctor(checks, Scrubber(), out);
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "second", "third", "fourth"}));
  EXPECT_EQ(out.str(),
            "ok   first\n"
            "FAIL second: HTTP 403 denied\n"
            "FAIL third: timeout after 10s\n"
            "warn fourth: low\n"
            "skip fifth: nothing configured\n");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1].outcome, DoctorOutcome::kFail);
  EXPECT_EQ(doctor_exit_code(lines), kExitWorkFailed);
}

TEST(DoctorRunner, WarningsAndSkipsLeaveTheExitCodeZero) {
  std::ostringstream out;
  auto lines = run_doctor({check("a", [] { return std::string(); }),
                           check(
                               "b", [] { return std::string("1.0 MiB free"); }, true),
                           skipped_check("c", "why")},
                          Scrubber(), out);
  EXPECT_EQ(doctor_exit_code(lines), kExitOk);
  EXPECT_EQ(doctor_exit_code({}), kExitOk);
}

TEST(DoctorRunner, MasksSecretsAndKeepsEachLineOnOneLine) {
  std::ostringstream out;
  run_doctor({check("key s3cr3t-key", [] { return std::string("echo: s3cr3t-key\r\nbad\n"); })},
             Scrubber({"s3cr3t-key"}), out);
  EXPECT_EQ(out.str(), "FAIL key ********: echo: ********; bad\n");
}

TEST(DoctorFolders, WritableFolderMissingFolderAndFile) {
  TempDir dir;
  std::string std_out;
  auto run = [](const DoctorCheck& c) { return c.run(); };
  EXPECT_EQ(run(writable_folder_check("state folder", dir.path(), false)), "");
  EXPECT_EQ(writable_folder_check("state folder", dir.path(), false).name,
            "state folder " + dir.path() + " writable");
  EXPECT_EQ(run(writable_folder_check("log folder", dir / "logs/deeper", true)), "");
  EXPECT_EQ(run(writable_folder_check("state folder", dir / "none", false, "missing: run init")),
            dir / "none" + " is missing: run init");
  write_file(dir / "file", "x");
  EXPECT_EQ(run(writable_folder_check("state folder", dir / "file", false)),
            dir / "file" + " is not a folder");
  EXPECT_NE(run(writable_folder_check("log folder", dir / "file/logs", true)), "");
}

TEST(DoctorFolders, ReadOnlyFolderFailsUnlessRoot) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write into any folder: nothing to test";
  TempDir dir;
  std::filesystem::create_directory(dir / "ro");
  ::chmod((dir / "ro").c_str(), 0555);
  std::string why = writable_folder_check("state folder", dir / "ro", false).run();
  ::chmod((dir / "ro").c_str(), 0755);
  EXPECT_NE(why.find("cannot create files in " + dir / "ro"), std::string::npos) << why;
  EXPECT_NE(why.find("Permission denied"), std::string::npos) << why;
}

TEST(DoctorFolders, FreeSpaceWarnsUnderTheMinimum) {
  uint64_t free = 100ULL << 20;
  std::string asked;
  FreeBytes fake = [&](const std::string& dir) { return asked = dir, free; };
  auto c = free_space_check("state folder", "/srv/state", 1ULL << 30, fake);
  EXPECT_TRUE(c.warning_only);
  EXPECT_EQ(c.name, "free space in state folder /srv/state");
  EXPECT_EQ(c.run(), "100 MiB free, under [doctor] min_free 1.00 GiB");
  EXPECT_EQ(asked, "/srv/state");
  free = 2ULL << 30;
  EXPECT_EQ(c.run(), "");
}

TEST(DoctorFolders, RealFreeSpaceOfAMissingFolderIsItsParents) {
  TempDir dir;
  EXPECT_GT(statvfs_free_bytes(dir / "not/yet"), 0u);
}

class CoreChecks : public ::testing::Test {
 protected:
  CoreChecks() {
    declare_core_config(schema_);
    s3::register_s3_config(schema_);
    std::filesystem::create_directories(dir_ / "state");
    write_file(dir_ / "state/ferry.db", "");
    services_.mailer = [this] { return std::make_unique<SharedMailer>(mailer_); };
    services_.object_store =
        [this](const std::string& target) -> std::unique_ptr<net::ObjectStore> {
      opened_.push_back(target);
      return std::make_unique<SharedStore>(store_);
    };
    services_.state_integrity = [this](const std::string& path) {
      integrity_path_ = path;
      return integrity_;
    };
    services_.free_bytes = [](const std::string&) { return 5ULL << 30; };
  }

  // Forwards to fakes the test keeps.
  struct SharedMailer : net::Mailer {
    explicit SharedMailer(net::FakeMailer& m) : m_(m) {}
    void send(const net::Mail& mail, TimePoint now) override { m_.send(mail, now); }
    void verify() override { m_.verify(); }
    net::FakeMailer& m_;
  };
  struct SharedStore : net::ObjectStore {
    explicit SharedStore(net::FakeObjectStore& s) : s_(s) {}
    void put_file(const std::string& k, const std::string& p) override { s_.put_file(k, p); }
    void get_file(const std::string& k, const std::string& p) override { s_.get_file(k, p); }
    std::optional<net::ObjectInfo> head(const std::string& k) override { return s_.head(k); }
    std::vector<net::ObjectInfo> list(const std::string& p, const std::string& a) override {
      return s_.list(p, a);
    }
    void remove(const std::string& k) override { s_.remove(k); }
    std::string presign_get(const std::string& k, std::chrono::seconds e, TimePoint n) override {
      return s_.presign_get(k, e, n);
    }
    std::string describe() const override { return s_.describe(); }
    net::ObjectLocation location() const override { return s_.location(); }
    net::FakeObjectStore& s_;
  };

  std::string run(const std::string& toml) {
    write_file(dir_ / "ferry.toml", toml);
    config::LoadOptions options;
    options.file = dir_ / "ferry.toml";
    config_ = config::load(schema_, options);
    std::ostringstream out;
    exit_code_ =
        doctor_exit_code(run_doctor(core_doctor_checks(config_, services_), Scrubber(), out));
    return out.str();
  }

  TempDir dir_;
  config::ConfigSchema schema_;
  config::Config config_;
  DoctorServices services_;
  net::FakeMailer mailer_;
  net::FakeObjectStore store_;
  std::vector<std::string> opened_;
  std::string integrity_, integrity_path_;
  int exit_code_ = -1;
};

const char* kConfig = R"(
[state]
dir = "state"
[log]
dir = "logs"
[alerts]
smtp_url = "smtp://mail.example.org:587"
username = "ferry"
password = "mail-pass"
to = ["ops@example.org"]
[s3.reports]
bucket = "reports"
[s3.logs]
bucket = "logs"
)";

TEST_F(CoreChecks, AllOkInOrder) {
  std::string out = run(kConfig);
  std::string d = dir_.path();
  EXPECT_EQ(out, "ok   state folder " + d + "/state writable\n" + "ok   state " + d +
                     "/state/ferry.db integrity_check\n" + "ok   log folder " + d +
                     "/logs writable\n" + "ok   free space in state folder " + d + "/state\n" +
                     "ok   free space in log folder " + d + "/logs\n" +
                     "ok   alert mail smtp://mail.example.org:587 connect and login as ferry\n" +
                     "ok   s3.logs lists a key\n" + "ok   s3.reports lists a key\n");
  EXPECT_EQ(exit_code_, 0);
  EXPECT_EQ(integrity_path_, d + "/state/ferry.db");
  EXPECT_EQ(mailer_.verifies, 1);
  EXPECT_EQ(mailer_.calls, 0);  // nothing sent
  EXPECT_EQ(opened_, (std::vector<std::string>{"logs", "reports"}));
  EXPECT_EQ(store_.calls(), (std::vector<std::string>{"list ", "list "}));
}

TEST_F(CoreChecks, EachFailureIsItsOwnLineAndTheOthersStillRun) {
  integrity_ = "*** in database main ***; Page 3 is never used";
  mailer_.fail_with = "smtp smtp://mail.example.org:587: Couldn't connect to server";
  store_.fail_next("list", Failure::permanent("s3 LIST s3://logs/*: HTTP 403 InvalidAccessKeyId"));
  services_.free_bytes = [](const std::string&) { return 1ULL << 20; };
  std::string out = run(kConfig);
  std::string d = dir_.path();
  EXPECT_NE(out.find("FAIL state " + d + "/state/ferry.db integrity_check: *** in database main"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("warn free space in state folder " + d +
                     "/state: 1.00 MiB free, under [doctor] min_free 1.00 GiB"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("FAIL alert mail smtp://mail.example.org:587 connect and login as ferry: "
                     "smtp smtp://mail.example.org:587: Couldn't connect to server\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("FAIL s3.logs lists a key: s3 LIST s3://logs/*: HTTP 403 InvalidAccessKeyId"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("ok   s3.reports lists a key"), std::string::npos) << out;
  EXPECT_EQ(exit_code_, 1);
}

TEST_F(CoreChecks, MissingStateSaysFerryInitAndNoRecipientsSkipsMail) {
  std::filesystem::remove_all(dir_ / "state");
  std::string out = run("[state]\ndir = \"state\"\n[alerts]\nto = []\n");
  std::string d = dir_.path();
  EXPECT_NE(out.find("FAIL state folder " + d + "/state writable: " + d +
                     "/state is missing: create the state with `ferry init`"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("FAIL state " + d +
                     "/state/ferry.db integrity_check: no state here: create "
                     "it with `ferry init`"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("skip alert mail smtp://127.0.0.1:25: [alerts] to is empty"),
            std::string::npos)
      << out;
  EXPECT_EQ(integrity_path_, "");  // not asked of a missing file
  EXPECT_EQ(mailer_.verifies, 0);
  EXPECT_EQ(exit_code_, 1);
}

TEST_F(CoreChecks, StatusPageAndMetricsFoldersMustExistAndBeWritable) {
  std::string d = dir_.path();
  std::string out = run(std::string(kConfig) + "[status]\nhtml_path = \"" + d +
                        "/www/index.html\"\n[metrics]\ntextfile_path = \"" + d +
                        "/ferry.prom\"\n");
  EXPECT_NE(out.find("FAIL status.html_path folder " + d + "/www writable: " + d +
                     "/www is missing: runs write " + d + "/www/index.html into it\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("ok   metrics.textfile_path folder " + d + " writable\n"), std::string::npos)
      << out;
  EXPECT_EQ(exit_code_, 1);
  std::filesystem::create_directories(dir_ / "www");
  out = run(std::string(kConfig) + "[status]\nhtml_path = \"" + d + "/www/index.html\"\n");
  EXPECT_NE(out.find("ok   status.html_path folder " + d + "/www writable\n"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("metrics.textfile_path"), std::string::npos) << out;  // not set: no line
  EXPECT_EQ(exit_code_, 0);
}

TEST_F(CoreChecks, MinFreeMustBeASize) {
  write_file(dir_ / "ferry.toml", "[doctor]\nmin_free = \"lots\"\n");
  config::LoadOptions options;
  options.file = dir_ / "ferry.toml";
  auto config = config::load(schema_, options);
  auto problems = check_config(config, {});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("[doctor] min_free 'lots' is not a size"), std::string::npos);
  EXPECT_NE(problems[0].where.find("ferry.toml:2"), std::string::npos) << problems[0].where;
  write_file(dir_ / "ferry.toml", "[doctor]\nmin_free = \"500MiB\"\n");
  EXPECT_EQ(doctor_min_free(config::load(schema_, options)), 500ULL << 20);
}

}  // namespace
}  // namespace ferry::core
