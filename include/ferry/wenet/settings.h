// The `[wenet]` configuration: its keys and defaults, the values read from a loaded Config, and
// the checks the schema cannot make (instance URL, key present, format, time of day, range).
// Pure functions.
#pragma once

#include <chrono>
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

namespace ferry::wenet {

struct WenetSettings {
  std::string instance;  // after check_settings: scheme://host[:port][/path], no trailing `/`
  std::string apikey;    // only ever sent in the x-wenet-component-apikey header
  std::string app_id;
  std::string ilog_id;
  std::string survey_id;
  std::string timezone = "UTC";
  std::string format = "csv";  // csv or tsv
  std::string output_dir = "exports/wenet";
  int messages_page = 1000;  // maxSize of one messages call, 1..10000
  std::chrono::milliseconds analytic_timeout{120'000};
  int parallel = 4;
  std::string s3;  // "" = no upload
  std::string s3_prefix = "wenet/";
  bool daily = false;
  std::string daily_at = "06:00";
  std::string daily_range = "1D";
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};
  Seconds link_expires{86400};
};

// Declares `[wenet]` with every key above.
void declare_wenet_config(config::ConfigSchema& schema);

// Copies `[wenet]` out of a loaded config; no checks.
WenetSettings read_settings(const config::Config& config);

// `url` without trailing `/` when it is http(s)://host[...] without user info; else nullopt.
std::optional<std::string> normalize_instance(std::string_view url);

// `HH:MM` (00:00 … 23:59) as minutes after midnight; nullopt otherwise.
std::optional<int> parse_time_of_day(std::string_view text);

// Whether `range` is TODAY, ALL or <N>D|W|M|Y with N ≥ 1 (case-insensitive), as --range takes.
bool valid_range(std::string_view range);

// Checks every value a report run needs (instance and apikey set, the rest valid) and
// normalizes `instance` in place. Returns a permanent failure naming the key
// (`wenet: [wenet] instance is not set`).
Status check_settings(WenetSettings& settings);

// Every `[wenet]` value a run would reject, each with where it was set. instance, apikey and
// app_id are required only when the pipeline is in use (any of them set, or daily on), and
// the [s3.NAME] target only when `s3` is set.
std::vector<core::ConfigProblem> check_config(const config::Config& config);

}  // namespace ferry::wenet
