#include "ferry/cake/settings.h"
#include "ferry/base/text.h"

#include <cctype>

#include "ferry/base/zone.h"
#include "ferry/config/config.h"

namespace ferry::cake {
namespace {

using std::chrono::seconds;

std::chrono::milliseconds ms(seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s);
}

}  // namespace

void declare_cake_config(config::ConfigSchema& schema) {
  schema.section("cake")
      .add_string("admin_url", "",
                  "CAKE admin instance, e.g. https://admin.example.com (https:// unless it says "
                  "http://)")
      .add_secret("api_key",
                  "admin API key (Setup > Permissions > API Keys); env FERRY_CAKE_API_KEY")
      .add_int("clicks_api_version", 11, "version in /api/N/reports.asmx/Clicks", 1, 999)
      .add_int("conversions_api_version", 17, "version in /api/N/reports.asmx/EventConversions", 1,
               999)
      .add_duration("click_window", seconds(600), "longest time window of one Clicks call")
      .add_duration("conversion_window", seconds(1800),
                    "longest time window of one EventConversions call")
      .add_duration("min_window", seconds(60),
                    "windows are split down to this size, then read page by page")
      .add_int("row_limit", 50000, "rows asked per call; a full reply splits or pages the window",
               1, 10'000'000)
      .add_string("timezone", "UTC", "zone of the date cells (IANA name, e.g. America/New_York)")
      .add_string("s3", "reports", "S3 target ([s3.NAME]) the files are uploaded to")
      .add_string("s3_prefix", "cake/", "key prefix of the uploaded files inside the target")
      .add_path("output_dir", "exports/cake", "folder of the local files", "../exports/cake")
      .add_bool("keep_local", true, "keep local copies after upload (false: remove them)")
      .add_bool("daily", false, "queue clicks and conversions jobs for yesterday once a day")
      .add_string("daily_at", "01:30", "local time (HH:MM) the daily jobs are queued at")
      .add_duration("connect_timeout", seconds(10), "TCP/TLS connect timeout of a CAKE call")
      .add_duration("timeout", seconds(120), "whole-exchange timeout of one CAKE call")
      .add_int("max_concurrent_calls", 1,
               "calls in flight to this CAKE instance from every host on a shared PostgreSQL "
               "state (state.url), counted in the state; one host makes one call at a time",
               1, 16)
      .add_duration("link_expires", seconds(86400), "lifetime of the presigned download links")
      .add_duration("settle", seconds(3600),
                    "time CAKE needs to record late data: an hour or window is exported only "
                    "once it ended this long before the run's now");
}

CakeSettings read_settings(const config::Config& config) {
  const auto& c = config.table("cake");
  CakeSettings s;
  s.admin_url = c.str("admin_url");
  s.api_key = c.str("api_key");
  s.clicks_api_version = static_cast<int>(c.integer("clicks_api_version"));
  s.conversions_api_version = static_cast<int>(c.integer("conversions_api_version"));
  s.click_window = c.duration("click_window");
  s.conversion_window = c.duration("conversion_window");
  s.min_window = c.duration("min_window");
  s.row_limit = c.integer("row_limit");
  s.max_concurrent_calls = static_cast<int>(c.integer("max_concurrent_calls"));
  s.timezone = c.str("timezone");
  s.s3 = c.str("s3");
  s.s3_prefix = c.str("s3_prefix");
  s.output_dir = c.str("output_dir");
  s.keep_local = c.boolean("keep_local");
  s.daily = c.boolean("daily");
  s.daily_at = c.str("daily_at");
  s.timeout = ms(c.duration("timeout"));
  s.link_expires = c.duration("link_expires");
  s.connect_timeout = ms(c.duration("connect_timeout"));
  s.settle = c.duration("settle");
  return s;
}

std::optional<std::string> normalize_admin_url(std::string_view url) {
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front())))
    url.remove_prefix(1);
  std::string out;
  if (starts_with(url, "https://") || starts_with(url, "http://")) {
    out = std::string(url);
  } else if (url.find("://") != std::string_view::npos) {
    return std::nullopt;
  } else {
    out = "https://" + std::string(url);
  }
  size_t host = out.find("://") + 3;
  if (host >= out.size() || out[host] == '/') return std::nullopt;
  while (out.back() == '/') out.pop_back();
  return out;
}

std::optional<int> parse_time_of_day(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

namespace {

struct Problem {
  const char* key;  // the [cake] key whose value is wrong
  std::string message;
};

// What a run would reject in `s`. `configured`: CAKE is in use (admin_url set or daily on),
// so the keys a call needs must be set too.
std::vector<Problem> problems(const CakeSettings& s, bool configured) {
  std::vector<Problem> out;
  auto add = [&](const char* key, std::string message) {
    out.push_back({key, "[cake] " + std::move(message)});
  };
  if (configured && s.admin_url.empty()) add("admin_url", "admin_url is not set");
  if (!s.admin_url.empty() && !normalize_admin_url(s.admin_url))
    add("admin_url", "admin_url '" + s.admin_url + "' is not an http(s):// URL with a host");
  if (configured && s.api_key.empty())
    add("api_key", "api_key is not set (or set FERRY_CAKE_API_KEY)");
  if (s.api_key.size() > 50) add("api_key", "api_key is longer than CAKE's 50 characters");
  if (s.min_window < seconds(1)) add("min_window", "min_window must be at least 1s");
  if (s.click_window < s.min_window) add("click_window", "click_window is shorter than min_window");
  if (s.conversion_window < s.min_window)
    add("conversion_window", "conversion_window is shorter than min_window");
  if (s.timeout < std::chrono::milliseconds(1000)) add("timeout", "timeout must be at least 1s");
  if (s.connect_timeout < std::chrono::milliseconds(1000))
    add("connect_timeout", "connect_timeout must be at least 1s");
  if (s.link_expires < seconds(1) || s.link_expires > seconds(7 * 86400))
    add("link_expires", "link_expires must be between 1s and 7d");
  if (s.settle < seconds(0) || s.settle > seconds(7 * 86400))
    add("settle", "settle must be between 0s and 7d");
  if (s.s3.empty()) add("s3", "s3 (the S3 target name) is empty");
  if (s.output_dir.empty()) add("output_dir", "output_dir is empty");
  if (!parse_time_of_day(s.daily_at))
    add("daily_at", "daily_at '" + s.daily_at + "' is not a time of day HH:MM (00:00 to 23:59)");
  if (!TimeZone::find(s.timezone))
    add("timezone", "timezone '" + s.timezone + "' is not in the time zone database");
  return out;
}

}  // namespace

Status check_settings(CakeSettings& s) {
  auto found = problems(s, true);
  if (!found.empty()) return Failure::permanent("cake: " + found.front().message);
  s.admin_url = *normalize_admin_url(s.admin_url);
  return Status::ok();
}

std::vector<core::ConfigProblem> check_config(const config::Config& config) {
  CakeSettings s = read_settings(config);
  const auto& section = config.table("cake");
  bool configured = !s.admin_url.empty() || s.daily;
  std::vector<core::ConfigProblem> out;
  for (auto& p : problems(s, configured)) {
    // A value left at its default is wrong because of another one: point at that one.
    std::string where = section.setting(p.key).origin;
    if (where == "default" &&
        (std::string(p.key) == "click_window" || std::string(p.key) == "conversion_window"))
      where = section.setting("min_window").origin;
    out.push_back({where, std::move(p.message)});
  }
  if (configured && !config.named("s3", s.s3))
    out.push_back({section.setting("s3").origin,
                   "[cake] s3 = '" + s.s3 + "' names no [s3." + s.s3 + "] target"});
  return out;
}

}  // namespace ferry::cake
