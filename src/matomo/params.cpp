// The params of matomo-import jobs: {"site": NAME}.
#include <nlohmann/json.hpp>

#include "ferry/config/config.h"
#include "ferry/matomo/pipeline.h"

namespace ferry::matomo {

std::string job_params(const std::string& site) {
  return nlohmann::json{{"site", site}}.dump();
}

std::string site_of_params(const std::string& params) {
  auto j = nlohmann::json::parse(params, nullptr, false);
  if (!j.is_object() || !j.contains("site") || !j["site"].is_string()) return "";
  return j["site"].get<std::string>();
}

std::vector<std::string> queue_params(const config::Config& config, const core::QueueValues& v) {
  MatomoSettings s = read_settings(config);
  auto it = v.find("site");
  if (it == v.end()) {
    if (s.sites.empty()) throw UsageError("queue: no [[matomo.site]] is configured");
    std::vector<std::string> out;
    for (const auto& site : s.sites) out.push_back(job_params(site.name));
    return out;
  }
  if (!s.site(it->second)) {
    std::string names;
    for (const auto& site : s.sites) names += (names.empty() ? "" : ", ") + site.name;
    throw UsageError("queue: --site '" + it->second + "' is no [[matomo.site]] (configured: " +
                     (names.empty() ? "none" : names) + ")");
  }
  return {job_params(it->second)};
}

}  // namespace ferry::matomo
