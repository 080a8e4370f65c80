// A temp state, a pull and a push FakeObjectStore, a fake Matomo (thread-safe HttpClient that
// records every hit) and Services wired together, for the matomo-import job tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "ferry/config/config.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/matomo/pipeline.h"
#include "ferry/matomo/store.h"
#include "ferry/net/fake_object_store.h"
#include "ferry/net/http.h"
#include "ferry/state/jobs.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::matomo::testing {

inline TimePoint at(const char* iso) {
  return *parse_iso8601(iso);
}

// Matomo's two endpoints, answering as Matomo does; every stored hit's `url` is recorded.
class FakeMatomo : public net::HttpClient {
 public:
  net::HttpResponse send(const net::HttpRequest& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_;
    if (r.url.find("index.php") != std::string::npos) {
      if (refuse_token) return {200, {}, "", {}, R"({"result":"error","message":"token refused"})"};
      return {200, {}, "", {}, R"({"idsite":"1","main_url":"https://example.org"})"};
    }
    if (fail_from && requests_ >= fail_from) return {400, {}, "", {}, "bulk tracking disabled"};
    auto doc = nlohmann::json::parse(r.body.data);
    int64_t n = 0;
    for (const auto& hit : doc["requests"]) {
      urls.push_back(hit["url"].get<std::string>());
      ++n;
    }
    return {200,
            {},
            "",
            {},
            R"({"status":"success","tracked":)" + std::to_string(n) + R"(,"invalid":0})"};
  }
  std::vector<std::string> urls;  // of every hit stored, in arrival order
  bool refuse_token = false;
  int fail_from = 0;  // from this request on (counting every request), 400

 private:
  std::mutex mu_;
  int requests_ = 0;
};

// Forwards to a FakeObjectStore that outlives it.
class SharedStore : public net::ObjectStore {
 public:
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

 private:
  net::FakeObjectStore& s_;
};

class MatomoJobTest : public ::testing::Test {
 protected:
  MatomoJobTest()
      : services_{config_,
                  store_,
                  matomo_,
                  alerts_,
                  at("2015-03-06T08:00:00Z"),
                  wall_,
                  budget_,
                  1,
                  [this](const std::string& t) -> std::unique_ptr<net::ObjectStore> {
                    if (t == "logs") return std::make_unique<SharedStore>(pull_);
                    if (t == "archive") return std::make_unique<SharedStore>(push_);
                    throw UsageError("no [s3." + t + "]");
                  },
                  io::Env::posix()} {
    settings_.enabled = true;
    settings_.url = "https://matomo.test/";
    settings_.token_auth = "tok-secret";
    settings_.recorders = 2;
    settings_.batch_size = 3;
    settings_.push = "archive";
    settings_.work_dir = dir_ / "work";
    settings_.retry_delay = std::chrono::milliseconds(1);
    settings_.sites = {{"example.org", 1, "example.org/", "", "common", ""}};
  }

  // `n` common-format lines whose paths are /{tag}-{i}.
  static std::string log_lines(const std::string& tag, int n) {
    std::string out;
    for (int i = 0; i < n; ++i)
      out += "203.0.113." + std::to_string(i % 7) +
             " - - [05/Mar/2015:13:55:" + (i % 60 < 10 ? "0" : "") + std::to_string(i % 60) +
             " +0000] \"GET /" + tag + "-" + std::to_string(i) + " HTTP/1.1\" 200 " +
             std::to_string(100 + i) + "\n";
    return out;
  }
  void put(const std::string& key, const std::string& data, const char* modified) {
    pull_.set_object(key, data);
    pull_.set_last_modified(key, modified);
  }
  int64_t enqueue(const char* from, const char* to) {
    return state::JobStore(store_).enqueue(kImportKind, from, to, job_params("example.org"),
                                           services_.now);
  }
  // Steps a fresh handler on job `id` until it is no longer kMore.
  core::StepResult run(int64_t id, int max_steps = 1000) {
    auto h = make_import_job(services_, settings_);
    state::JobStore jobs(store_);
    core::StepResult r = core::StepResult::more();
    for (int i = 0; i < max_steps && r.status == core::StepStatus::kMore; ++i) {
      auto job = jobs.get(id);
      r = h->step(*job);
    }
    return r;
  }
  std::vector<ObjectRecord> objects(const char* day) {
    return MatomoStore(store_).objects("example.org", day);
  }

  ferry::testing::TempDir dir_;
  ferry::testing::TestStore store_{dir_ / "state", {{"matomo", migrations()}}};
  config::Config config_;
  FakeMatomo matomo_;
  net::FakeObjectStore pull_{"pull"}, push_{"push"};
  log::RecordingAlertSink alerts_;
  FakeTimer timer_;
  Budget budget_{timer_, std::chrono::hours(1)};
  FixedClock wall_{at("2015-03-06T08:00:01Z")};
  core::Services services_;
  MatomoSettings settings_;
};

}  // namespace ferry::matomo::testing
