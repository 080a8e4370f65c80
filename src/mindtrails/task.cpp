#include "ferry/mindtrails/task.h"

#include <spdlog/spdlog.h>

#include "ferry/base/error.h"
#include "ferry/core/context.h"
#include "ferry/core/streams.h"
#include "ferry/log/alerts.h"
#include "ferry/mindtrails/doctor.h"
#include "ferry/mindtrails/server_pass.h"
#include "ferry/mindtrails/store.h"
#include "ferry/net/redact.h"
#include "mindtrails/commands.h"
#include "mindtrails/ops.h"

namespace ferry::mindtrails {

MindTrailsTask::MindTrailsTask(core::Services& services, std::string only_server)
    : services_(services), only_server_(std::move(only_server)) {}

MindTrailsTask::~MindTrailsTask() = default;

void MindTrailsTask::load() {
  if (loaded_) return;
  loaded_ = true;
  try {
    pipeline_ = pipeline_settings(services_.config);
    for (auto& s : server_settings(services_.config))
      if (only_server_.empty() || s.name == only_server_) servers_.push_back(std::move(s));
  } catch (const UsageError& e) {
    config_error_ = e.what();
  }
}

bool MindTrailsTask::due(std::optional<TimePoint>) {
  load();
  return !config_error_.empty() || (pipeline_.enabled && !servers_.empty());
}

core::StepResult MindTrailsTask::step() {
  load();
  if (!config_error_.empty()) {
    services_.alerts.raise("mindtrails:config", "MindTrails: configuration error", config_error_);
    return core::StepResult::failed(Failure::permanent("mindtrails: " + config_error_));
  }
  if (!pass_ && !start_pass()) return finish();
  if (!pass_->step()) return core::StepResult::more();
  if (pass_->interrupted()) {
    // Not this server's failure: the run was stopped. The pass starts again next run.
    std::string line = "mindtrails: " + servers_[index_].name + ": " + *pass_->interrupted();
    pass_.reset();
    stream_.reset();
    return core::StepResult::failed(Failure::interrupted(line));
  }
  for (const auto& f : pass_->failures()) failures_.push_back(servers_[index_].name + ": " + f);
  spdlog::info("mindtrails: {}: pass finished{}", servers_[index_].name,
               pass_->failures().empty() ? "" : " with problems (alerted)");
  pass_.reset();
  stream_.reset();
  ++index_;
  return index_ >= servers_.size() ? finish() : core::StepResult::more();
}

bool MindTrailsTask::start_pass() {
  for (; index_ < servers_.size(); ++index_) {
    const ServerSettings& server = servers_[index_];
    stream_ = std::make_unique<core::StreamClaim>(services_, "mindtrails:" + server.name);
    if (stream_->held()) {
      spdlog::info("mindtrails: {}: pass started ({})", server.name,
                   net::redact_url(server.export_url));
      pass_ = std::make_unique<ServerPass>(server, pipeline_, services_);
      return true;
    }
    // Asked for by name (`ferry export mindtrails --server`), the operator is told at any level.
    spdlog::log(only_server_.empty() ? spdlog::level::info : spdlog::level::warn,
                "mindtrails: {}: another host is working on it{}", server.name,
                stream_->holder().empty() ? "" : " (" + stream_->holder() + ")");
    stream_.reset();
  }
  return false;
}

core::StepResult MindTrailsTask::finish() {
  if (failures_.empty()) return core::StepResult::done();
  std::string line = "mindtrails: " + failures_.front();
  if (failures_.size() > 1) line += " (and " + std::to_string(failures_.size() - 1) + " more)";
  return core::StepResult::failed(Failure::transient(line));
}

namespace {

class MindTrailsPipeline : public core::Pipeline {
 public:
  std::string name() const override { return "mindtrails"; }
  void declare_config(config::ConfigSchema& schema) const override {
    register_mindtrails_config(schema);
  }
  std::vector<core::ConfigProblem> check(const config::Config& config) const override {
    return check_config(config);
  }
  std::vector<core::ConfigProblem> warnings(const config::Config& config) const override {
    return shared_state_warnings(config);
  }
  std::vector<state::Migration> migrations() const override { return mindtrails::migrations(); }
  std::vector<core::DoctorCheck> doctor_checks(core::Context& ctx) const override {
    return mindtrails::doctor_checks(ctx.config(), ctx.http());
  }

  std::vector<core::StatusSection> status_sections(state::Store& store,
                                                   TimePoint now) const override {
    return mindtrails::status_sections(store, now);
  }
  std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint now) const override {
    return mindtrails::metrics(store, now);
  }

  std::vector<core::TaskKind> tasks() const override {
    return {{"mindtrails",
             "every run: new MindTrails rows to daily CSVs (raw backup first), then "
             "server-side deletes",
             [](core::Services& services, const core::TaskArgs& args) {
               std::string server;
               for (const auto& [key, value] : args) {
                 if (key != "server")
                   throw UsageError("mindtrails takes no argument '" + key + "'");
                 server = value;
               }
               return std::make_unique<MindTrailsTask>(services, server);
             },
             /*claims_streams=*/true}};
  }

  void add_commands(CLI::App& app, core::Context& ctx, int& exit_code) const override {
    add_mindtrails_commands(app, ctx, exit_code);
  }
};

}  // namespace

std::unique_ptr<core::Pipeline> make_pipeline() {
  return std::make_unique<MindTrailsPipeline>();
}

}  // namespace ferry::mindtrails
