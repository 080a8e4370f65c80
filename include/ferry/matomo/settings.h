// The Matomo configuration: `[matomo]` (pipeline-wide) and `[[matomo.site]]` (one entry per
// website), read into plain structs, and the checks the schema cannot make. Pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/base/time.h"
#include "ferry/core/pipeline.h"

namespace ferry::config {
class Config;
class ConfigSchema;
}  // namespace ferry::config

namespace ferry::matomo {

struct SiteSettings {
  std::string name;     // names the site in files, keys, state and stats
  int64_t idsite = 0;   // Matomo's id of the site
  std::string prefix;   // where its logs are in the pull bucket
  std::string pattern;  // optional POSIX extended regular expression a key must contain a match of
  std::string format = "auto";
  std::string main_url;  // "" = from SitesManager.getSiteFromId
};

struct MatomoSettings {
  bool enabled = false;
  std::string url;  // after check_settings: ends in '/'
  std::string token_auth;
  int recorders = 4;
  int batch_size = 200;
  std::string pull = "logs";
  std::string push;  // "" = no archive copy
  std::string push_prefix;
  std::string timezone = "UTC";
  bool daily = false;
  std::string daily_at = "02:00";
  std::string work_dir = "work/matomo";
  std::string archive_command;
  Seconds archive_command_timeout{3600};
  bool enable_static = true, enable_bots = true, enable_http_errors = true,
       enable_http_redirects = true;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{120'000};
  std::chrono::milliseconds retry_delay{10'000};
  int job_attempts = 3;  // run.job_attempts: tries of one batch before the job fails
  std::vector<SiteSettings> sites;

  // The site named `name`; nullptr when none is.
  const SiteSettings* site(const std::string& name) const;
};

// The log format names `format` accepts.
const std::vector<std::string>& format_names();

// Declares `[matomo]` and `[[matomo.site]]`.
void declare_matomo_config(config::ConfigSchema& schema);

// Copies `[matomo]`, its sites and run.job_attempts out of a loaded config; no checks.
MatomoSettings read_settings(const config::Config& config);

// `url` with a trailing '/' added when missing; nullopt unless it is http(s):// with a host.
std::optional<std::string> normalize_url(std::string_view url);

// Checks what a job or import needs (url, token, the site) and normalizes url in place. A
// permanent failure naming the key when something is wrong.
Status check_settings(MatomoSettings& settings);

// Every Matomo value a run would reject, each with where it was set. url, token_auth and the
// [s3.NAME] targets are required only when Matomo is in use (enabled or daily on).
std::vector<core::ConfigProblem> check_config(const config::Config& config);

}  // namespace ferry::matomo
