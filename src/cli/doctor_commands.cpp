// `ferry doctor`: checks, without changing anything, every configured thing a run depends on.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app_context.h"
#include "ferry/base/error.h"
#include "ferry/core/doctor.h"
#include "ferry/net/curl_http.h"
#include "ferry/net/mailer.h"
#include "ferry/net/object_store.h"
#include "ferry/s3/store.h"
#include "ferry/state/copy.h"
#include "ferry/state/integrity.h"

namespace ferry::cli {
namespace {

// One try per request: a check reports what the server says now, within the request's own
// connect and exchange timeouts, instead of backing off for a minute.
class OneTryHttpClient : public net::HttpClient {
 public:
  net::HttpResponse send(const net::HttpRequest& request) override { return curl_->send(request); }

 private:
  std::unique_ptr<net::HttpClient> curl_ = net::make_curl_http_client();
};

// The command context the checks see: the real one, with one-try HTTP for the checks and the
// S3 targets they open, and no state, logs or runs (a check changes nothing).
class DoctorContext : public core::Context {
 public:
  explicit DoctorContext(AppContext& app) : app_(app) {}
  const config::Config& config() override { return app_.config(); }
  TimePoint now() override { return app_.now(); }
  TimePoint wall_now() override { return app_.wall_now(); }
  net::HttpClient& http() override { return http_; }
  state::Store& store() override {
    throw std::logic_error("ferry doctor never opens the state for a check");
  }
  const std::map<std::string, std::string>& environment() override { return app_.environment(); }
  bool interactive() const override { return false; }
  std::unique_ptr<net::ObjectStore> object_store(const std::string& target) override {
    return s3::make_s3_store(config(), target, http_, environment());
  }
  void start_file_logging() override {}
  int run_task_now(const std::string&, const core::TaskArgs&) override {
    throw std::logic_error("ferry doctor never runs a task");
  }

 private:
  AppContext& app_;
  OneTryHttpClient http_;
};

int doctor(AppContext& app) {
  Scrubber scrub;
  {
    core::DoctorCheck config_check;
    std::string file = app.options().config_path;
    config_check.name = "config valid (" + file + ")";
    config_check.run = [&app]() -> std::string {
      app.config();
      return "";
    };
    auto lines = core::run_doctor({config_check}, scrub, std::cout);
    // Nothing else can be checked without knowing where things are.
    if (core::doctor_exit_code(lines) != kExitOk) return kExitWorkFailed;
  }
  const config::Config& config = app.config();
  scrub.add(config.secret_values());
  DoctorContext ctx(app);
  core::DoctorServices services;
  services.mailer = [&config]() -> std::unique_ptr<net::Mailer> {
    return std::make_unique<net::CurlMailer>(smtp_settings(config));
  };
  services.object_store = [&ctx](const std::string& target) { return ctx.object_store(target); };
  auto busy = std::chrono::duration_cast<std::chrono::milliseconds>(
      config.table("state").duration("busy_timeout"));
  services.state_integrity = [busy](const std::string& path) {
    return state::check_integrity(path, busy);
  };
  services.state_database = [&config](const std::string& url) -> std::string {
    auto db = sql::open_postgres(url, config.table("state").str("password"));
    if (std::holds_alternative<std::monostate>(
            db->scalar("SELECT to_regclass('schema_versions')::text")))
      return "it holds no ferry state yet: `ferry init` (or the first run) creates it";
    state::schema_versions(*db);
    return "";
  };
  std::vector<core::DoctorCheck> checks = core::core_doctor_checks(config, services);
  for (const auto& pipeline : app.pipelines()) {
    try {
      for (auto& c : pipeline->doctor_checks(ctx)) checks.push_back(std::move(c));
    } catch (const std::exception& e) {
      std::string why = e.what();
      core::DoctorCheck failed;
      failed.name = pipeline->name() + ": checks";
      failed.run = [why]() -> std::string { return why; };
      checks.push_back(std::move(failed));
    }
  }
  return core::doctor_exit_code(core::run_doctor(checks, scrub, std::cout));
}

}  // namespace

void add_doctor_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "doctor", "check everything a run depends on, changing nothing; exit 1 if a check fails");
  cmd->footer(
      "One line per check: `ok   WHAT`, `warn WHAT: WHY`, `FAIL WHAT: WHY`, `skip WHAT: WHY`.\n"
      "Config, state folder and file (integrity_check), log folder, free space ([doctor]\n"
      "min_free), alert mail (connect and login, nothing sent), each [s3.NAME] target (one key\n"
      "listed), then each configured pipeline's endpoints and credentials.\n"
      "Exit codes: 0 all ok (warnings allowed), 1 a check failed.\n"
      "Example: ferry doctor");
  cmd->callback([&ctx, &exit_code] { exit_code = doctor(ctx); });
}

}  // namespace ferry::cli
