#include "ferry/core/pipeline.h"

#include "ferry/base/text.h"
#include "ferry/config/config.h"
#include "ferry/core/doctor.h"

namespace ferry::core {

void Pipeline::add_commands(CLI::App&, Context&, int&) const {}

Registry make_registry(const PipelineList& pipelines) {
  Registry registry;
  for (const auto& p : pipelines) {
    for (auto& k : p->job_kinds()) {
      k.pipeline = p->name();
      registry.add_job_kind(std::move(k));
    }
    for (auto& t : p->tasks()) {
      t.pipeline = p->name();
      registry.add_task(std::move(t));
    }
  }
  return registry;
}

std::vector<state::Component> state_components(const PipelineList& pipelines) {
  std::vector<state::Component> out;
  for (const auto& p : pipelines) {
    auto m = p->migrations();
    if (!m.empty()) out.push_back({p->name(), std::move(m)});
  }
  return out;
}

namespace {

void check_core(const config::Config& config, std::vector<ConfigProblem>& out) {
  const auto& run = config.table("run");
  if (run.duration("max_time") <= std::chrono::seconds(0))
    out.push_back({run.setting("max_time").origin, "[run] max_time must be more than 0s"});
  if (run.duration("max_range") < std::chrono::seconds(86400))
    out.push_back({run.setting("max_range").origin, "[run] max_range must be at least 1d"});
  const auto& state = config.table("state");
  if (state.duration("lease") < std::chrono::seconds(10))
    out.push_back({state.setting("lease").origin, "[state] lease must be at least 10s"});
  const auto& alerts = config.table("alerts");
  const std::string& url = alerts.str("smtp_url");
  if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0)
    out.push_back(
        {alerts.setting("smtp_url").origin,
         "[alerts] smtp_url '" + mask_url_password(url) + "' must start with smtp:// or smtps://"});
  const auto& heartbeat = config.table("heartbeat");
  const std::string& ping = heartbeat.str("url");
  if (!ping.empty() && ping.rfind("http://", 0) != 0 && ping.rfind("https://", 0) != 0)
    out.push_back(
        {heartbeat.setting("url").origin, "[heartbeat] url must start with http:// or https://"});
  auto timeout = heartbeat.duration("timeout");
  if (timeout < std::chrono::seconds(1) || timeout > std::chrono::seconds(60))
    out.push_back(
        {heartbeat.setting("timeout").origin, "[heartbeat] timeout must be between 1s and 60s"});
  check_doctor_config(config, out);
}

}  // namespace

std::vector<ConfigProblem> check_config(const config::Config& config,
                                        const PipelineList& pipelines) {
  std::vector<ConfigProblem> out;
  check_core(config, out);
  for (const auto& p : pipelines) {
    auto more = p->check(config);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

std::vector<ConfigProblem> config_warnings(const config::Config& config,
                                           const PipelineList& pipelines) {
  std::vector<ConfigProblem> out;
  for (const auto& p : pipelines) {
    auto more = p->warnings(config);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

std::string describe(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += "\n";
    out += p.where + ": " + p.message;
  }
  return out;
}

}  // namespace ferry::core
