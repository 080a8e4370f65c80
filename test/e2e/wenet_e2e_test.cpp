// WeNet reports end to end: the real bin/ferry against the WeNet stand-in
// (test/standins/wenet_server.py) on loopback, one stand-in per test with its own data set.
// Messages are dumped once each across a page that is all one timestamp; a killed report leaves
// no folder and, after the next run, no analytic on the logger; windows give the protocol
// table's bounds in a non-UTC zone; the API key shows up in no log, command line or error.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "e2e/ferry_fixture.h"
#include "ferry/net/curl_http.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kKey = "wk-e2e-Secret-4b7d91";
constexpr const char* kApp = "app1";

class WenetStandin {
 public:
  // Starts the stand-in on a free port with data set `data` and API key `key`.
  WenetStandin(const TempDir& dir, const json& data, const std::string& key = kKey)
      : port_(free_port()) {
    write_file(dir / "wenet-data.json", data.dump());
    child_ = std::make_unique<Child>(
        std::vector<std::string>{system_python(), repo_root() + "/test/standins/wenet_server.py",
                                 "--data", dir / "wenet-data.json", "--port", std::to_string(port_),
                                 "--api-key", key, "--prefix", "/prod", "--compute-delay", "0.05"},
        std::map<std::string, std::string>{}, "", dir / "wenet.log");
    ready_ = wait_for_port(port_, 10s);
    http_ = net::make_curl_http_client();
  }
  bool ready() const { return ready_; }
  std::string instance() const { return "http://127.0.0.1:" + std::to_string(port_) + "/prod"; }
  json control(const std::string& method, const std::string& path, const json& body = nullptr) {
    net::HttpRequest r;
    r.method = method;
    r.url = "http://127.0.0.1:" + std::to_string(port_) + "/control/" + path;
    if (!body.is_null()) {
      r.body.data = body.dump();
      r.headers = {{"Content-Type", "application/json"}};
    }
    auto reply = http_->send(r);
    return json::parse(reply.body.empty() ? "null" : reply.body, nullptr, false);
  }

 private:
  int port_;
  bool ready_ = false;
  std::unique_ptr<Child> child_;
  std::unique_ptr<net::HttpClient> http_;
};

// A small platform: app1 with three users, two tasks, a few messages around 2021-07-30.
json small_data() {
  json users = json::array();
  for (int i = 0; i < 3; ++i)
    users.push_back({{"id", "u" + std::to_string(i)}, {"enabled", 1627600000}});
  json profiles = json::object();
  for (int i = 0; i < 3; ++i)
    profiles["u" + std::to_string(i)] = {
        {"id", "u" + std::to_string(i)},
        {"name", {{"first", "F" + std::to_string(i)}, {"last", "L"}}},
        {"email", "u" + std::to_string(i) + "@example.org"},
        {"gender", "F"}};
  json tasks = json::array();
  for (int i = 0; i < 2; ++i)
    tasks.push_back({{"id", "t" + std::to_string(i)},
                     {"_creationTs", 1627600000 + i},
                     {"_lastUpdateTs", 1627600000 + i},
                     {"appId", kApp},
                     {"requesterId", "u0"},
                     {"goal", {{"name", "\"question :thumbsup:\""}}},
                     {"transactions", json::array()}});
  return {{"apps",
           {{kApp, {{"details", {{"id", kApp}, {"name", "App One"}}}, {"users", users}}},
            {"ilog", {{"details", {{"id", "ilog"}, {"name", "ilog"}}}, {"users", json::array()}}},
            {"survey",
             {{"details", {{"id", "survey"}, {"name", "survey"}}}, {"users", json::array()}}}}},
          {"profiles", profiles},
          {"tasks", tasks},
          {"cohorts", json::array()},
          {"message_bursts", json::array({{{"project", kApp},
                                           {"count", 30},
                                           {"start", "2021-07-30T08:00:00"},
                                           {"step_ms", 60000},
                                           {"users", 3},
                                           {"user_prefix", "u"}}})}};
}

class WenetE2E : public ::testing::Test {
 protected:
  void start(const json& data, const std::string& key = kKey) {
    standin_ = std::make_unique<WenetStandin>(dir_, data, key);
    ASSERT_TRUE(standin_->ready())
        << "the WeNet stand-in did not start; see " << (dir_ / "wenet.log");
  }
  std::unique_ptr<FerryEnv> ferry(const std::string& extra = "") {
    auto f = std::make_unique<FerryEnv>(
        "[alerts]\nto = []\n[run]\nmax_time = \"10m\"\n[wenet]\ninstance = \"" +
        standin_->instance() + "\"\napp_id = \"" + kApp +
        "\"\nilog_id = \"ilog\"\nsurvey_id = \"survey\"\ntimezone = \"Europe/Rome\"\n" +
        "analytic_timeout = \"20s\"\n" + extra);
    f->env["FERRY_WENET_APIKEY"] = kKey;           // never in the file, never on a command line
    f->env["FERRY_NOW"] = "2021-07-30T23:30:00Z";  // 01:30 on 2021-07-31 in Rome
    return f;
  }
  std::string out(const FerryEnv& f) const { return f.dir() + "/exports/wenet"; }
  // Names in the output folder that are not hidden.
  std::vector<std::string> folders(const FerryEnv& f) const {
    std::vector<std::string> v;
    for (auto& n : list_dir(out(f)))
      if (n[0] != '.') v.push_back(n);
    return v;
  }

  TempDir dir_;
  std::unique_ptr<WenetStandin> standin_;
};

TEST_F(WenetE2E, MessagesSharingOneTimestampAreDumpedOnceEach) {
  json data = small_data();
  data["message_bursts"] = json::array({{{"project", kApp},
                                         {"count", 13000},
                                         {"start", "2021-07-30T00:00:00"},
                                         {"step_ms", 1000},
                                         {"users", 40},
                                         {"id_prefix", "a-"}},
                                        {{"project", kApp},
                                         {"count", 12000},
                                         {"start", "2021-07-30T06:00:00"},
                                         {"step_ms", 0},
                                         {"users", 40},
                                         {"id_prefix", "b-"}}});
  start(data);
  auto f = ferry("messages_page = 1000\n");
  auto r = f->run({"report", "wenet", "messages", "--from", "2021-07-29", "--to", "2021-07-31"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(folders(*f), (std::vector<std::string>{"app1_2021-07-29_2021-07-31"}));
  std::ifstream in(out(*f) + "/app1_2021-07-29_2021-07-31/messages.json");
  json messages = json::parse(in);
  ASSERT_TRUE(messages.is_array());
  EXPECT_EQ(messages.size(), 25000u);
  std::set<std::string> keys;
  for (const auto& m : messages)
    keys.insert(m["messageId"].get<std::string>() + "/" + m["userId"].get<std::string>());
  EXPECT_EQ(keys.size(), 25000u);
  // Pages by time ask for messages_page; only the splits of the all-one-timestamp page (by
  // type, user) ask for more.
  int pages = 0, splits = 0;
  for (const auto& call : standin_->control("GET", "calls")) {
    if (call["path"] != "/logger/messages") continue;
    const json& q = call["query"];
    if (q.contains("type") || q.contains("userId") || q.contains("channel")) {
      ++splits;
      continue;
    }
    ++pages;
    EXPECT_EQ(q.value("maxSize", ""), "1000") << call.dump();
  }
  EXPECT_GE(pages, 14);
  EXPECT_GT(splits, 0);
}

TEST_F(WenetE2E, AKilledReportLeavesNoFolderAndTheNextRunDeletesItsAnalytic) {
  start(small_data());
  standin_->control("POST", "never_compute", {{"on", true}});
  auto f = ferry();
  f->run({"init"});
  Child ferry_run(f->argv({"report", "wenet", "analytics", "--range", "1D"}), f->environment({}),
                  f->dir());
  ASSERT_TRUE(wait_until([&] { return standin_->control("GET", "analytics").size() > 0; }, 20s));
  ASSERT_TRUE(
      wait_until([&] { return f->sql("SELECT count(*) FROM wenet_analytics") == "1"; }, 10s));
  ferry_run.signal(SIGKILL);
  ferry_run.wait(5s);
  EXPECT_TRUE(folders(*f).empty());
  EXPECT_EQ(standin_->control("GET", "analytics").size(), 1u);

  standin_->control("DELETE", "faults");
  standin_->control("POST", "never_compute", {{"on", false}});
  auto r = f->run({"report", "wenet", "analytics", "--range", "1D"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(standin_->control("GET", "analytics").size(), 0u);
  EXPECT_EQ(f->sql("SELECT count(*) FROM wenet_analytics"), "0");
  EXPECT_EQ(folders(*f), (std::vector<std::string>{"app1_2021-07-30_2021-07-31"}));
}

TEST_F(WenetE2E, RangesGiveTheProtocolBoundsInTheReportZone) {
  start(small_data());
  auto f = ferry();
  struct Case {
    const char* range;
    const char* folder;
    const char* from_cell;
    const char* to_cell;
  };
  // Now is 2021-07-31 01:30 in Rome (2021-07-30 23:30 UTC).
  for (const Case& c :
       {Case{"3D", "app1_2021-07-28_2021-07-31", "2021-07-28 00:00:00", "2021-07-31 00:00:00"},
        Case{"1W", "app1_2021-07-24_2021-07-31", "2021-07-24 00:00:00", "2021-07-31 00:00:00"},
        Case{"10M", "app1_2020-09-30_2021-07-31", "2020-09-30 00:00:00", "2021-07-31 00:00:00"},
        Case{"TODAY", "app1_2021-07-31_2021-08-01", "2021-07-31 00:00:00", "2021-08-01 00:00:00"},
        Case{"all", "app1_ALL_2021-07-31", "", "2021-07-31 00:00:00"}}) {
    auto r = f->run({"report", "wenet", "questions", "--range", c.range});
    ASSERT_EQ(r.exit_code, 0) << c.range << ": " << r.err;
    const std::string file = out(*f) + "/" + c.folder + "/questions.csv";
    ASSERT_TRUE(file_exists(file)) << c.range;
    std::string text = read_file(file);
    EXPECT_NE(text.find(std::string("from,") + c.from_cell), std::string::npos) << c.range << "\n"
                                                                                << text;
    EXPECT_NE(text.find(std::string("to,") + c.to_cell), std::string::npos) << c.range << "\n"
                                                                            << text;
  }
}

TEST_F(WenetE2E, TheApiKeyIsInNoLogCommandLineOrError) {
  start(small_data());
  standin_->control("POST", "slow", {{"path", "/hub/"}, {"ms", 1500}, {"count", 1}});
  auto f = ferry();
  f->run({"init"});
  Child ferry_run(f->argv({"-v", "report", "wenet", "users", "--range", "1W"}), f->environment({}),
                  f->dir(), f->dir() + "/console.log");
  ASSERT_TRUE(
      wait_until([&] { return standin_->control("GET", "stats").value("in_flight", 0) > 0; }, 20s))
      << read_file(f->dir() + "/console.log");
  std::string cmdline = read_file("/proc/" + std::to_string(ferry_run.pid()) + "/cmdline");
  EXPECT_FALSE(cmdline.empty());
  EXPECT_EQ(cmdline.find(kKey), std::string::npos);
  ASSERT_EQ(ferry_run.wait(60s), 0) << read_file(f->dir() + "/console.log");
  bool sent = false;
  for (const auto& call : standin_->control("GET", "calls"))
    sent = sent || call["headers"].dump().find(kKey) != std::string::npos;
  EXPECT_TRUE(sent);  // the key went in the header

  // A platform that refuses the key and echoes it in its error.
  standin_.reset();
  start(small_data(), "another-key-0000");
  auto g = ferry();
  auto r = g->run({"-v", "report", "wenet", "--range", "1D"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("401"), std::string::npos) << r.err;
  for (const std::string& text :
       {r.out, r.err, g->all_logs(), read_file(f->dir() + "/console.log"), f->all_logs()})
    EXPECT_EQ(text.find(kKey), std::string::npos) << text;
  EXPECT_TRUE(folders(*g).empty());
}

TEST_F(WenetE2E, AQueuedJobIsRunByTheTick) {
  start(small_data());
  auto f = ferry();
  auto q = f->run({"queue", "wenet-report", "--from", "30-07-2021", "--to", "30-07-2021"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  auto r = f->run({"run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(f->sql("SELECT status FROM jobs WHERE id = 1"), "succeeded");
  EXPECT_EQ(f->sql("SELECT count(*) FROM job_outputs WHERE job_id = 1"), "5");
  EXPECT_EQ(folders(*f), (std::vector<std::string>{"app1_2021-07-30_2021-07-31"}));
  const std::string users = read_file(out(*f) + "/app1_2021-07-30_2021-07-31/users.csv");
  EXPECT_NE(users.find("from,2021-07-30 00:00:00\r\n"), std::string::npos) << users;
  EXPECT_NE(users.find("u0@example.org"), std::string::npos) << users;
}

TEST_F(WenetE2E, BadInputIsRefusedBeforeAnyCall) {
  start(small_data());
  auto f = ferry();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"report", "wenet", "apps-usage", "--range", "1D", "--apps", "a",
                                 "--updates", "updates.xlsx"},
        std::vector<std::string>{"report", "wenet", "--range", "1X"},
        std::vector<std::string>{"report", "wenet", "--from", "2021-07-30"},
        std::vector<std::string>{"report", "wenet", "profiles", "--range", "1D"},
        std::vector<std::string>{"report", "wenet"}}) {
    auto r = f->run(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
  }
  auto g = ferry("format = \"xlsx\"\n");
  EXPECT_EQ(g->run({"report", "wenet", "--range", "1D"}).exit_code, 2);
  EXPECT_TRUE(standin_->control("GET", "calls").empty());
  EXPECT_TRUE(folders(*f).empty());
}

}  // namespace
}  // namespace ferry::testing
