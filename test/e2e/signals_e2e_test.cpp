// SIGTERM and SIGINT on the real binary: a CAKE export against the stand-in
// (test/standins/cake_server.py) whose calls hang, and `ferry s3 put|get` of large files to
// s3rver. A stopped run is recorded `interrupted` with the signal in its note, its job goes back
// to `queued` with no failure counted, no temp file is left, a multipart upload is aborted, and
// the process ends by the signal it got.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e/ferry_fixture.h"
#include "ferry/net/curl_http.h"
#include "support/requirements.h"
#include "support/s3rver.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kKey = "e2e-signals-key-5b1c";

// True when process `pid` has `path` open.
bool has_open(pid_t pid, const std::string& path) {
  std::error_code ec;
  for (const auto& fd :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    auto target = std::filesystem::read_symlink(fd.path(), ec);
    if (!ec && target == path) return true;
  }
  return false;
}

class SignalsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s3_ = std::make_unique<S3rver>("signals-bucket");
    dir_ = std::make_unique<TempDir>();
    cake_port_ = free_port();
    cake_ = std::make_unique<Child>(
        std::vector<std::string>{system_python(), repo_root() + "/test/standins/cake_server.py",
                                 "--port", std::to_string(cake_port_), "--seed", "11",
                                 "--clicks-per-hour", "20", "--conversions-per-hour", "5",
                                 "--api-key", kKey},
        std::map<std::string, std::string>{}, "", *dir_ / "cake.log");
    cake_ready_ = wait_for_port(cake_port_, 10s);
    http_ = net::make_curl_http_client();
  }
  static void TearDownTestSuite() {
    cake_.reset();
    s3_.reset();
    dir_.reset();
    http_.reset();
  }
  void SetUp() override {
    FERRY_REQUIRE(s3_->skip_reason());
    ASSERT_TRUE(s3_->ready()) << s3_->error();
    ASSERT_TRUE(cake_ready_) << "the CAKE stand-in did not start; see " << (*dir_ / "cake.log");
    ASSERT_EQ(control("DELETE", "/_control").status, 200);
    ASSERT_EQ(control("DELETE", "/_control/log").status, 200);
  }

  static std::string cake_url() { return "http://127.0.0.1:" + std::to_string(cake_port_); }
  static net::HttpResponse control(const std::string& method, const std::string& path,
                                   const std::string& body = "") {
    net::HttpRequest r;
    r.method = method;
    r.url = cake_url() + path;
    r.body.data = body;
    if (!body.empty()) r.headers = {{"Content-Type", "application/json"}};
    return http_->send(r);
  }
  // Every Clicks call the stand-in received so far.
  static int clicks_calls() {
    auto r = control("GET", "/_control/log");
    int n = 0;
    for (const auto& e : json::parse(r.body))
      if (e["method"] == "Clicks") ++n;
    return n;
  }
  // The next `count` Clicks calls take `seconds` before they answer.
  static void slow_clicks(int count, double seconds) {
    auto r = control(
        "POST", "/_control",
        json{{"mode", "slow"}, {"seconds", seconds}, {"count", count}, {"methods", "Clicks"}}
            .dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static std::unique_ptr<FerryEnv> env(const std::string& run_extra) {
    auto f = std::make_unique<FerryEnv>(
        "[alerts]\nto = []\n[run]\nmax_time = \"10m\"\n" + run_extra + "\n[cake]\nadmin_url = \"" +
        cake_url() + "\"\napi_key = \"" + kKey + "\"\ns3_prefix = \"signals/\"\n" +
        s3_->config_table("reports") + "multipart_threshold = 5242880\npart_size = 5242880\n");
    f->env["FERRY_NOW"] = "";
    return f;
  }
  static int64_t queue_day(const FerryEnv& f, const std::string& day) {
    RunResult r = f.run({"queue", "cake-clicks", "--from", day, "--to", day});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::stoll(r.out);
  }
  // Starts `ferry run`, waits until it is inside a Clicks call (the `calls_before`+1-th), sends
  // `sig`, and waits for the process to end. Returns the signal that ended it (0: it exited).
  static int stop_run_in_a_clicks_call(const FerryEnv& f, int calls_before, int sig,
                                       const std::string& log) {
    Child run(f.argv({"run"}), f.environment({}), f.dir(), f.path(log));
    EXPECT_TRUE(wait_until([&] { return clicks_calls() > calls_before; }, 60s))
        << "no Clicks call was made; see " << f.path(log);
    EXPECT_TRUE(run.running()) << "the run ended before it could be stopped";
    run.signal(sig);
    EXPECT_NE(run.wait(60s), -2) << "the run did not end after the signal";
    return run.term_signal();
  }
  // Files in the CAKE output folder other than finished hour files.
  static std::vector<std::string> temp_files(const FerryEnv& f) {
    std::vector<std::string> out;
    for (const auto& name : list_dir(f.path("exports/cake")))
      if (name.rfind("ClickReport_", 0) != 0) out.push_back(name);
    return out;
  }

  static inline std::unique_ptr<S3rver> s3_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<Child> cake_;
  static inline std::unique_ptr<net::HttpClient> http_;
  static inline int cake_port_ = 0;
  static inline bool cake_ready_ = false;
};

TEST_F(SignalsE2E, SigtermDuringACakeExportRequeuesTheJobWithNoFailure) {
  auto f = env("stop_grace = \"1s\"");
  int64_t id = queue_day(*f, "2016-02-01");
  slow_clicks(1000, 120);  // every Clicks call hangs far longer than the grace period
  int sig = stop_run_in_a_clicks_call(*f, 0, SIGTERM, "run1.log");
  EXPECT_EQ(sig, SIGTERM) << read_file(f->path("run1.log"));

  const std::string job = " FROM jobs WHERE id = " + std::to_string(id);
  EXPECT_EQ(f->sql("SELECT status" + job), "queued");
  EXPECT_EQ(f->sql("SELECT failures" + job), "0");
  EXPECT_EQ(f->sql("SELECT crashes" + job), "0");
  EXPECT_EQ(f->sql("SELECT progress_done" + job), "0");
  EXPECT_EQ(f->sql("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1"), "interrupted");
  EXPECT_EQ(f->sql("SELECT note FROM runs ORDER BY id DESC LIMIT 1"),
            "stopped by SIGTERM; the rest continues next run");
  EXPECT_EQ(temp_files(*f), std::vector<std::string>{});
  EXPECT_NE(f->all_logs().find("stopped by SIGTERM"), std::string::npos);

  // The next run, with CAKE answering again, finishes the job.
  ASSERT_EQ(control("DELETE", "/_control").status, 200);
  RunResult next = f->run({"run"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(f->sql("SELECT status" + job), "succeeded");
  EXPECT_EQ(f->sql("SELECT failures" + job), "0");
  EXPECT_EQ(temp_files(*f), std::vector<std::string>{});
}

TEST_F(SignalsE2E, UnitInProgressFinishesWithinTheGracePeriod) {
  auto f = env("stop_grace = \"60s\"");
  int64_t id = queue_day(*f, "2016-02-02");
  slow_clicks(1, 2);  // the first call takes 2 s, well within the grace period
  int sig = stop_run_in_a_clicks_call(*f, 0, SIGINT, "run.log");
  EXPECT_EQ(sig, SIGINT) << read_file(f->path("run.log"));

  const std::string job = " FROM jobs WHERE id = " + std::to_string(id);
  EXPECT_EQ(f->sql("SELECT status" + job), "queued");
  EXPECT_EQ(f->sql("SELECT progress_done" + job), "1");  // the hour in progress was committed
  EXPECT_EQ(f->sql("SELECT failures" + job), "0");
  EXPECT_EQ(f->sql("SELECT count(*) FROM job_outputs WHERE job_id = " + std::to_string(id)), "1");
  EXPECT_EQ(f->sql("SELECT note FROM runs ORDER BY id DESC LIMIT 1"),
            "stopped by SIGINT; the rest continues next run");
  EXPECT_EQ(temp_files(*f), std::vector<std::string>{});
}

TEST_F(SignalsE2E, ThreeSigintsOverThreeRunsNeverFailTheJob) {
  auto f = env("stop_grace = \"1s\"\njob_attempts = 3");
  int64_t id = queue_day(*f, "2016-02-03");
  slow_clicks(1000, 120);
  const std::string job = " FROM jobs WHERE id = " + std::to_string(id);
  for (int i = 1; i <= 3; ++i) {
    std::string log = "run" + std::to_string(i) + ".log";
    EXPECT_EQ(stop_run_in_a_clicks_call(*f, clicks_calls(), SIGINT, log), SIGINT)
        << read_file(f->path(log));
    EXPECT_EQ(f->sql("SELECT status" + job), "queued") << "after SIGINT " << i;
    EXPECT_EQ(f->sql("SELECT failures" + job), "0") << "after SIGINT " << i;
    EXPECT_EQ(f->sql("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1"), "interrupted");
  }
  ASSERT_EQ(control("DELETE", "/_control").status, 200);
  RunResult last = f->run({"run"});
  EXPECT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(f->sql("SELECT status" + job), "succeeded");
  EXPECT_EQ(f->sql("SELECT failures || '/' || crashes" + job), "0/0");
  EXPECT_EQ(f->sql("SELECT count(*) FROM runs WHERE outcome = 'interrupted'"), "3");
}

TEST_F(SignalsE2E, SigtermDuringAMultipartUploadAbortsIt) {
  auto f = env("");
  const std::string big = f->path("up/big.bin");
  write_file(big, "");
  std::filesystem::resize_file(big, 256ull << 20);  // sparse: 256 MiB of zeros, no disk used
  Child put(f->argv({"s3", "put", "reports", big, "signals/big.bin"}), f->environment({}), f->dir(),
            f->path("put.log"));
  ASSERT_TRUE(wait_until([&] { return has_open(put.pid(), big) || !put.running(); }, 60s));
  ASSERT_TRUE(put.running()) << "the upload ended before it could be stopped: "
                             << read_file(f->path("put.log"));
  put.signal(SIGTERM);
  ASSERT_NE(put.wait(60s), -2);
  std::string log = read_file(f->path("put.log"));
  EXPECT_EQ(put.term_signal(), SIGTERM) << log;
  EXPECT_NE(log.find("aborting multipart upload"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped by SIGTERM"), std::string::npos) << log;
  EXPECT_EQ(list_dir(f->path("up")), std::vector<std::string>{"big.bin"});
  RunResult ls = f->run({"s3", "ls", "reports", "signals/big"});
  EXPECT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(ls.out, "");  // no object appeared at the key
}

TEST_F(SignalsE2E, SigintDuringADownloadRemovesItsTempFile) {
  auto f = env("");
  const std::string big = f->path("up/big.bin");
  write_file(big, "");
  std::filesystem::resize_file(big, 256ull << 20);
  RunResult up = f->run({"s3", "put", "reports", big, "signals/down.bin"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  std::filesystem::create_directories(f->path("down"));
  Child get(f->argv({"s3", "get", "reports", "signals/down.bin", f->path("down/big.bin")}),
            f->environment({}), f->dir(), f->path("get.log"));
  ASSERT_TRUE(
      wait_until([&] { return !list_dir(f->path("down")).empty() || !get.running(); }, 60s));
  ASSERT_TRUE(get.running()) << "the download ended before it could be stopped: "
                             << read_file(f->path("get.log"));
  get.signal(SIGINT);
  ASSERT_NE(get.wait(60s), -2);
  std::string log = read_file(f->path("get.log"));
  EXPECT_EQ(get.term_signal(), SIGINT) << log;
  EXPECT_NE(log.find("stopped by SIGINT"), std::string::npos) << log;
  EXPECT_EQ(list_dir(f->path("down")), std::vector<std::string>{});
}

}  // namespace
}  // namespace ferry::testing
