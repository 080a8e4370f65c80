// The CAKE end-to-end fixture: the CAKE stand-in (test/standins/cake_server.py) and s3rver on
// loopback for a whole suite, ferry configs for them, and readers of what ferry wrote.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/ferry_fixture.h"
#include "ferry/io/csv.h"
#include "ferry/net/curl_http.h"
#include "ferry/s3/client.h"
#include "support/requirements.h"
#include "support/s3rver.h"

namespace ferry::testing {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kKey = "e2e-cake-key-7f3a";

class CakeE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s3_ = std::make_unique<S3rver>("cake-bucket");
    dir_ = std::make_unique<TempDir>();
    cake_port_ = free_port();
    cake_ = std::make_unique<Child>(
        std::vector<std::string>{system_python(), repo_root() + "/test/standins/cake_server.py",
                                 "--port", std::to_string(cake_port_), "--seed", "7",
                                 "--clicks-per-hour", "60", "--conversions-per-hour", "10",
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
  }

  static std::string cake_url() { return "http://127.0.0.1:" + std::to_string(cake_port_); }

  // A ferry config for the stand-ins, writing under `prefix`, plus `extra` TOML.
  static std::string config(const std::string& prefix, const std::string& extra = "") {
    return "[alerts]\nto = []\n[run]\nmax_time = \"10m\"\n[cake]\nadmin_url = \"" + cake_url() +
           "\"\napi_key = \"" + kKey + "\"\ns3_prefix = \"" + prefix + "\"\n" + extra + "\n" +
           s3_->config_table("reports");
  }
  static std::unique_ptr<FerryEnv> env(const std::string& prefix, const std::string& extra = "") {
    auto f = std::make_unique<FerryEnv>(config(prefix, extra));
    f->env["FERRY_NOW"] = "";  // the real clock: presigned links must be valid now
    return f;
  }

  static net::HttpResponse call(const std::string& method, const std::string& path,
                                const std::string& body = "") {
    net::HttpRequest r;
    r.method = method;
    r.url = path.rfind("http", 0) == 0 ? path : cake_url() + path;
    r.body.data = body;
    if (!body.empty()) r.headers = {{"Content-Type", "application/json"}};
    return http_->send(r);
  }
  static int64_t expected(const std::string& report, const std::string& start,
                          const std::string& end) {
    auto r = call("GET", "/_control/count?start=" + start + "&end=" + end);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)[report].get<int64_t>();
  }

  // Runs `ferry run` until job `id` is finished (at most `runs` times); returns its status.
  static std::string run_until_finished(const FerryEnv& f, int64_t id, int runs = 5) {
    std::string status;
    for (int i = 0; i < runs; ++i) {
      f.run({"run"});
      status = f.sql("SELECT status FROM jobs WHERE id = " + std::to_string(id));
      if (status == "succeeded" || status == "failed") break;
    }
    return status;
  }
  static int64_t queue(const FerryEnv& f, const std::string& kind, const std::string& from,
                       const std::string& to) {
    RunResult r = f.run({"queue", kind, "--from", from, "--to", to});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::stoll(r.out);
  }

  // Every object under `prefix`: key (prefix removed) → bytes.
  static std::map<std::string, std::string> objects(const std::string& prefix) {
    s3::S3Options o;
    o.endpoint = s3_->endpoint();
    o.bucket = s3_->bucket();
    o.path_style = true;
    o.credentials = {"S3RVER", "S3RVER", ""};
    s3::S3Client client(*http_, o);
    std::map<std::string, std::string> out;
    TempDir tmp;
    for (const auto& info : client.list(prefix)) {
      std::string path = tmp / "object";
      client.get_file(info.key, path);
      out[info.key.substr(prefix.size())] = read_file(path);
    }
    return out;
  }
  // Data rows of a CSV (header checked and dropped).
  static std::vector<std::vector<std::string>> rows(const std::string& csv, size_t columns) {
    auto all = io::parse_csv(csv);
    EXPECT_FALSE(all.empty());
    if (all.empty()) return all;
    EXPECT_EQ(all.front().size(), columns);
    all.erase(all.begin());
    for (const auto& r : all) EXPECT_EQ(r.size(), columns);
    return all;
  }

  static inline std::unique_ptr<S3rver> s3_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<Child> cake_;
  static inline std::unique_ptr<net::HttpClient> http_;
  static inline int cake_port_ = 0;
  static inline bool cake_ready_ = false;
};

}  // namespace ferry::testing
