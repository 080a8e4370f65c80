// `ferry doctor` end to end: the real bin/ferry against s3rver, an SMTP server that requires a
// login, and the CAKE, MindTrails, Matomo and WeNet stand-ins, all on loopback. First every
// line is ok; then one thing at a time is broken and exactly its line fails, saying why.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "e2e/ferry_fixture.h"
#include "e2e/matomo_standin.h"
#include "e2e/mindtrails_standin.h"
#include "mindtrails/support.h"
#include "support/requirements.h"
#include "support/s3rver.h"
#include "support/silent_listener.h"
#include "support/smtp_server.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCakeKey = "doctor-cake-key-91c2";
constexpr const char* kSmtpUser = "ferry";
constexpr const char* kSmtpPassword = "doctor-mail-Pa55";
constexpr const char* kWenetKey = "doctor-wenet-key-5e1f";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The lines that start with `FAIL`.
std::vector<std::string> failures(const std::string& text) {
  std::vector<std::string> out;
  for (auto& l : lines_of(text))
    if (l.rfind("FAIL", 0) == 0) out.push_back(l);
  return out;
}

class DoctorE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (refused_in_unit_run("s3rver, stand-ins and bin/ferry")) return;
    FERRY_REQUIRE(SmtpServer::missing());
    FERRY_REQUIRE(missing_python_modules({"cryptography"}));
    s3_ = std::make_unique<S3rver>("doctor-bucket");
    FERRY_REQUIRE(s3_->skip_reason());
    ASSERT_TRUE(s3_->ready()) << s3_->error();
    smtp_port_ = free_port();
    smtp_ = std::make_unique<SmtpServer>(smtp_port_, dir_ / "smtp.log", kSmtpUser, kSmtpPassword);
    cake_port_ = free_port();
    cake_ = std::make_unique<Child>(
        std::vector<std::string>{system_python(), repo_root() + "/test/standins/cake_server.py",
                                 "--port", std::to_string(cake_port_), "--api-key", kCakeKey},
        std::map<std::string, std::string>{}, "", dir_ / "cake.log");
    const auto& keys = mindtrails::testing::TestKeys::get();
    mindtrails_ =
        std::make_unique<MindTrailsStandin>(repo_root() + "/test/standins/mindtrails_sample.json",
                                            keys.path("key.pem.pub"), dir_ / "mindtrails.log");
    matomo_ = std::make_unique<MatomoStandin>(dir_ / "matomo.log");
    wenet_port_ = free_port();
    write_file(dir_ / "wenet.json", R"({"apps": {"app1": {"details": {"id": "app1"}}}})");
    wenet_ = std::make_unique<Child>(
        std::vector<std::string>{system_python(), repo_root() + "/test/standins/wenet_server.py",
                                 "--data", dir_ / "wenet.json", "--port",
                                 std::to_string(wenet_port_), "--api-key", kWenetKey, "--prefix",
                                 "/prod"},
        std::map<std::string, std::string>{}, "", dir_ / "wenet.log");
    ASSERT_TRUE(smtp_->ready()) << read_file(dir_ / "smtp.log");
    ASSERT_TRUE(wait_for_port(cake_port_, 10s)) << read_file(dir_ / "cake.log");
    ASSERT_TRUE(mindtrails_->ready()) << read_file(dir_ / "mindtrails.log");
    ASSERT_TRUE(matomo_->ready()) << read_file(dir_ / "matomo.log");
    ASSERT_TRUE(wait_for_port(wenet_port_, 10s)) << read_file(dir_ / "wenet.log");
    f_ = std::make_unique<FerryEnv>(config(keys.path("key.pem")));
    f_->env["FERRY_CAKE_API_KEY"] = kCakeKey;
  }

  std::string config(const std::string& private_key) const {
    auto loopback = [](int port) { return "http://127.0.0.1:" + std::to_string(port); };
    return "[alerts]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(smtp_port_) +
           "\"\nusername = \"" + kSmtpUser + "\"\npassword = \"" + kSmtpPassword +
           "\"\nto = [\"ops@example.org\"]\ntimeout = \"5s\"\n" + "[cake]\nadmin_url = \"" +
           loopback(cake_port_) + "\"\ntimeout = \"5s\"\n" +
           "[[mindtrails.server]]\nname = \"prod\"\nurl = \"" + mindtrails_->url() +
           "\"\nusername = \"" + MindTrailsStandin::kUser + "\"\npassword = \"" +
           MindTrailsStandin::kPassword + "\"\nprivate_key = \"" + private_key +
           "\"\ndata_dir = \"data\"\ntimeout = \"5s\"\n" + "[matomo]\nenabled = true\nurl = \"" +
           matomo_->url() + "\"\ntoken_auth = \"" + MatomoStandin::kToken +
           "\"\ntimeout = \"5s\"\n" +
           "[[matomo.site]]\nname = \"example.org\"\nidsite = 1\nprefix = \"example.org/\"\n" +
           "[wenet]\ninstance = \"" + loopback(wenet_port_) + "/prod\"\napikey = \"" + kWenetKey +
           "\"\napp_id = \"app1\"\ntimeout = \"5s\"\n" + s3_->config_table("reports") +
           s3_->config_table("logs", "logs/");
  }

  // Runs `ferry doctor` with `env`; checks that no secret is printed.
  RunResult doctor(const std::map<std::string, std::string>& env = {}) const {
    RunResult r = f_->run({"doctor"}, env);
    for (const char* secret : {kCakeKey, kSmtpPassword, kWenetKey, MindTrailsStandin::kPassword,
                               MatomoStandin::kToken, "S3RVER-wrong-secret"}) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << secret << " in\n" << r.out;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << secret << " in\n" << r.err;
    }
    return r;
  }

  // Runs `ferry doctor` with `env` and expects exit 1 with exactly one FAIL line, which
  // contains every one of `parts`.
  void expect_one_failure(const std::string& what, const std::vector<std::string>& parts,
                          const std::map<std::string, std::string>& env = {}) {
    RunResult r = doctor(env);
    EXPECT_EQ(r.exit_code, 1) << what << "\n" << r.out << r.err;
    auto failed = failures(r.out);
    ASSERT_EQ(failed.size(), 1u) << what << ":\n" << r.out << r.err;
    for (const auto& p : parts) EXPECT_NE(failed[0].find(p), std::string::npos) << failed[0];
  }

  TempDir dir_;
  std::unique_ptr<S3rver> s3_;
  int smtp_port_ = 0, cake_port_ = 0, wenet_port_ = 0;
  std::unique_ptr<SmtpServer> smtp_;
  std::unique_ptr<Child> cake_, wenet_;
  std::unique_ptr<MindTrailsStandin> mindtrails_;
  std::unique_ptr<MatomoStandin> matomo_;
  std::unique_ptr<FerryEnv> f_;
};

TEST_F(DoctorE2E, AllOkThenEachBrokenThingFailsItsOwnLine) {
  RunResult ok = doctor();
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(failures(ok.out), std::vector<std::string>{}) << ok.out;
  const std::string state = f_->path("state");
  std::vector<std::string> expected = {
      "ok   config valid (" + f_->path("ferry.toml") + ")",
      "ok   state folder " + state + " writable",
      f_->state_url().empty() ? "ok   state " + state + "/ferry.db integrity_check"
                              : "ok   state " + f_->state_url() + " answers",
      "ok   log folder " + f_->path("logs") + " writable",
      "ok   alert mail smtp://127.0.0.1:" + std::to_string(smtp_port_) +
          " connect and login as ferry",
      "ok   s3.logs lists a key",
      "ok   s3.reports lists a key",
      "ok   mindtrails.prod: login and table list at " + mindtrails_->url() + "export",
      "ok   cake: API key accepted by http://127.0.0.1:" + std::to_string(cake_port_),
      "ok   matomo: token accepted by " + matomo_->url() + " for site example.org (idsite 1)",
      "ok   wenet: API key accepted by http://127.0.0.1:" + std::to_string(wenet_port_) +
          "/prod (app app1)"};
  for (const auto& line : expected)
    EXPECT_NE(ok.out.find(line + "\n"), std::string::npos) << line << "\nnot in\n" << ok.out;
  // The checks changed nothing: no mail, no new S3 object, no state written.
  EXPECT_EQ(smtp_->messages(), 0);
  EXPECT_EQ(f_->sql("SELECT count(*) FROM runs"), "0");

  expect_one_failure("wrong S3 credentials",
                     {"FAIL s3.reports lists a key: ", "HTTP 403 InvalidAccessKeyId"},
                     {{"FERRY_S3_REPORTS_ACCESS_KEY_ID", "WRONG"},
                      {"FERRY_S3_REPORTS_SECRET_ACCESS_KEY", "S3RVER-wrong-secret"}});
  expect_one_failure("wrong CAKE key",
                     {"FAIL cake: API key accepted by ", "HTTP 401", "Invalid API Key"},
                     {{"FERRY_CAKE_API_KEY", "not-the-key"}});
  expect_one_failure("wrong SMTP password", {"FAIL alert mail ", "Login denied"},
                     {{"FERRY_ALERTS_PASSWORD", "wrong-password"}});

  {
    // A read-only state folder. root writes into a folder whatever its mode says, so as root the
    // doctor runs as `nobody`, for whom the root-owned state folder is read-only (the log folder
    // is given to nobody, the config made readable, so that only the state's line fails).
    RunResult r;
    if (::geteuid() == 0) {
      std::filesystem::create_directories(f_->path("logs"));
      ASSERT_EQ(::chown(f_->path("logs").c_str(), 65534, 65534), 0);
      ::chmod(f_->dir().c_str(), 0755);
      ::chmod(f_->path("ferry.toml").c_str(), 0644);
      auto argv = f_->argv({"doctor"});
      argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
      r = run_command(argv, f_->environment({}), f_->dir());
    } else {
      ::chmod(state.c_str(), 0555);
      r = doctor();
      ::chmod(state.c_str(), 0755);
    }
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    auto failed = failures(r.out);
    ASSERT_EQ(failed.size(), 1u) << r.out << r.err;
    EXPECT_NE(failed[0].find("FAIL state folder " + state + " writable: cannot create files in " +
                             state + ": Permission denied"),
              std::string::npos)
        << failed[0];
  }
  // A state folder that is a file.
  write_file(f_->path("state-file"), "not a folder");
  RunResult r = doctor({{"FERRY_STATE_DIR", f_->path("state-file")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAIL state folder " + f_->path("state-file") +
                       " writable: " + f_->path("state-file") + " is not a folder"),
            std::string::npos)
      << r.out;

  // A mail server that never answers costs one alerts.timeout, then its line says so.
  SilentListener hung;
  ASSERT_TRUE(hung.ok());
  expect_one_failure("hanging SMTP server", {"FAIL alert mail ", "timed out"},
                     {{"FERRY_ALERTS_SMTP_URL", "smtp://127.0.0.1:" + std::to_string(hung.port())},
                      {"FERRY_ALERTS_TIMEOUT", "1s"}});

  smtp_.reset();  // the SMTP server stopped
  expect_one_failure("stopped SMTP server", {"FAIL alert mail ", "onnect"});
  EXPECT_EQ(f_->sql("SELECT count(*) FROM runs"), "0");
}

TEST(DoctorConfigE2E, ABadConfigIsTheOnlyLine) {
  if (refused_in_unit_run("bin/ferry")) return;
  FerryEnv f("[run]\nmax_time = \"soon\"\n");
  RunResult r = f.run({"doctor"});
  EXPECT_EQ(r.exit_code, 1);
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_EQ(lines[0].rfind("FAIL config valid (" + f.path("ferry.toml") + "): ", 0), 0u)
      << lines[0];
  EXPECT_NE(lines[0].find("bad duration 'soon'"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace ferry::testing
