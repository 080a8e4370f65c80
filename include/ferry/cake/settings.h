// The `[cake]` configuration: its keys and defaults, the values read from a loaded Config, and
// the checks the schema cannot make (URL scheme, key present, time of day). Pure functions.
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

namespace ferry::cake {

struct CakeSettings {
  std::string admin_url;  // after check_settings: scheme://host[:port][/path], no trailing `/`
  std::string api_key;
  int clicks_api_version = 11;
  int conversions_api_version = 17;
  Seconds click_window{600};
  Seconds conversion_window{1800};
  Seconds min_window{60};
  int64_t row_limit = 50000;
  std::string timezone = "UTC";
  std::string s3 = "reports";
  std::string s3_prefix = "cake/";
  std::string output_dir = "exports/cake";
  bool keep_local = true;
  bool daily = false;
  std::string daily_at = "01:30";
  std::chrono::milliseconds connect_timeout{10'000};  // one CAKE call, TCP/TLS connect
  std::chrono::milliseconds timeout{120'000};         // one CAKE call, whole exchange
  int max_concurrent_calls = 1;  // calls in flight from every host on a shared state
  Seconds link_expires{86400};                        // presigned links made after upload
  Seconds settle{3600};  // a unit ending after now - settle is not final yet: its job waits
};

// Declares `[cake]` with every key above.
void declare_cake_config(config::ConfigSchema& schema);

// Copies `[cake]` out of a loaded config; no checks.
CakeSettings read_settings(const config::Config& config);

// `https://` + `url` when it has no scheme; `url` without trailing `/` when it starts with
// http:// or https://; nullopt for an empty URL, another scheme, or no host.
std::optional<std::string> normalize_admin_url(std::string_view url);

// `HH:MM` (00:00 … 23:59) as minutes after midnight; nullopt otherwise.
std::optional<int> parse_time_of_day(std::string_view text);

// Checks what the schema cannot and normalizes admin_url in place. Returns a permanent failure
// naming the key (`cake: [cake] admin_url is not set`) when something is wrong.
Status check_settings(CakeSettings& settings);

// Every `[cake]` value a run would reject, each with where it was set. Values a call needs
// (admin_url, api_key, the [s3.NAME] target) are required only when CAKE is in use: admin_url
// set or daily on.
std::vector<core::ConfigProblem> check_config(const config::Config& config);

}  // namespace ferry::cake
