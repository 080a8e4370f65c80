// A server pass against the in-memory MindTrails server: real state file, real files in a
// temp folder, real keys; HTTP through FakeHttpClient.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "ferry/config/config.h"
#include "ferry/core/registry.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/mindtrails/names.h"
#include "ferry/mindtrails/server_pass.h"
#include "ferry/mindtrails/store.h"
#include "ferry/net/fake_http.h"
#include "ferry/state/runs.h"
#include "ferry/state/store.h"
#include "mindtrails/support.h"
#include "support/test_store.h"

namespace ferry::mindtrails::testing {

class ExportFixture : public ::testing::Test {
 protected:
  ExportFixture()
      : store_(tmp_ / "state", {{"mindtrails", mindtrails::migrations()}}),
        http_([this](const net::HttpRequest& r) { return server_.handle(r); }),
        budget_(timer_, std::chrono::seconds(600)),
        services_{config_, store_,  http_, alerts_, *parse_iso8601("2016-02-01T21:05:09Z"),
                  wall_,   budget_, 0,     nullptr, io::Env::posix()} {
    settings_.name = "prod";
    settings_.export_url = FakeMindTrails::kBase;
    settings_.username = "admin";
    settings_.password = "pw";
    settings_.private_key = TestKeys::get().path("key.pem");
    settings_.delete_rows = true;
    settings_.data_dir = tmp_ / "data";
    pipeline_.decrypt_threads = 2;
  }

  // One whole pass, as a run does it; returns its failures.
  std::vector<std::string> pass() { return pass(services_); }
  std::vector<std::string> pass(core::Services& services) {
    services.run_id = state::RunStore(services.store).begin(services.now, 1);
    ServerPass p(settings_, pipeline_, services);
    for (int i = 0; i < 1000 && !p.step(); ++i) {
    }
    return p.failures();
  }
  // Services like services_ over another state store, HTTP client and env (the crash walks
  // open the state afresh and change the env between runs).
  core::Services services_over(state::Store& store, net::HttpClient& http, io::Env& env) {
    return core::Services{config_, store,   http, alerts_, services_.now,
                          wall_,   budget_, 0,    nullptr, env};
  }
  void later(int minutes) { services_.now += std::chrono::minutes(minutes); }

  std::string csv_path(const std::string& table, int part = 1) const {
    return settings_.active_dir() + "/" + csv_name(table, file_date(services_.now), part);
  }
  std::string csv(const std::string& table, int part = 1) const {
    std::string p = csv_path(table, part);
    return ferry::testing::file_exists(p) ? ferry::testing::read_file(p) : "";
  }
  long lines(const std::string& table) const {
    std::string text = csv(table);
    return std::count(text.begin(), text.end(), '\n');
  }
  std::string sql(const std::string& q) { return sql::Field(store_.db().scalar(q)).text(); }
  // The first column of every row of `q`, joined by `sep`.
  std::string joined(const std::string& q, const std::string& sep) {
    std::string out;
    store_.db().query(
        q, {}, [&](const sql::Row& r) { out += (out.empty() ? "" : sep) + sql::to_text(r.at(0)); });
    return out;
  }
  int count(const std::string& prefix) const {
    int n = 0;
    for (const auto& l : server_.log) n += l.rfind(prefix, 0) == 0;
    return n;
  }
  int alerts(const std::string& key) const {
    int n = 0;
    for (const auto& e : alerts_.events) n += e.key == key;
    return n;
  }

  ferry::testing::TempDir tmp_;
  ferry::testing::TestStore store_;
  FakeMindTrails server_;
  net::FakeHttpClient http_;
  log::RecordingAlertSink alerts_;
  FakeTimer timer_;
  Budget budget_;
  config::Config config_;
  FixedClock wall_{*parse_iso8601("2016-02-01T21:05:11Z")};
  core::Services services_;
  ServerSettings settings_;
  PipelineSettings pipeline_;
};

}  // namespace ferry::mindtrails::testing
