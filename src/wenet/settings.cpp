#include "ferry/wenet/settings.h"
#include "ferry/base/text.h"

#include <cctype>

#include "ferry/base/zone.h"
#include "ferry/config/config.h"

namespace ferry::wenet {
namespace {

using std::chrono::seconds;

std::chrono::milliseconds ms(seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

void declare_wenet_config(config::ConfigSchema& schema) {
  schema.section("wenet")
      .add_string("instance", "",
                  "WeNet platform, e.g. https://wenet.example.org/prod (hub, profile_manager, "
                  "task_manager, incentive_server and logger under it); required")
      .add_secret("apikey",
                  "component API key, sent only in the x-wenet-component-apikey header; env "
                  "FERRY_WENET_APIKEY; required")
      .add_string("app_id", "", "the chatbot app the reports are about")
      .add_string("ilog_id", "", "app whose users count as ilog users (users report)")
      .add_string("survey_id", "", "app whose users count as survey users (users report)")
      .add_string("timezone", "UTC", "zone of the local midnights of report windows (IANA name)")
      .add_string("format", "csv", "csv or tsv for the table reports")
      .add_path("output_dir", "exports/wenet", "folder of the report folders <app_id>_<from>_<to>/",
                "../exports/wenet")
      .add_int("messages_page", 1000, "maxSize of one messages call (at most 10000)", 1, 10000)
      .add_duration("analytic_timeout", seconds(120),
                    "how long an analytic's result is polled for before the report fails")
      .add_int("parallel", 4, "profiles fetched at once", 1, 64)
      .add_string("s3", "", "S3 target ([s3.NAME]) report jobs upload their files to; \"\" = none")
      .add_string("s3_prefix", "wenet/", "key prefix of the uploaded files inside the target")
      .add_bool("daily", false, "queue a wenet-report job of daily_range once a day")
      .add_string("daily_at", "06:00", "local time (HH:MM, in timezone) the daily job is queued")
      .add_string("daily_range", "1D", "window of the daily report: TODAY, ALL or <N>D|W|M|Y")
      .add_duration("connect_timeout", seconds(10), "TCP/TLS connect timeout of a WeNet call")
      .add_duration("timeout", seconds(60), "whole-exchange timeout of one WeNet call")
      .add_duration("link_expires", seconds(86400), "lifetime of the presigned download links");
}

WenetSettings read_settings(const config::Config& config) {
  const auto& c = config.table("wenet");
  WenetSettings s;
  s.instance = c.str("instance");
  s.apikey = c.str("apikey");
  s.app_id = c.str("app_id");
  s.ilog_id = c.str("ilog_id");
  s.survey_id = c.str("survey_id");
  s.timezone = c.str("timezone");
  s.format = c.str("format");
  s.output_dir = c.str("output_dir");
  s.messages_page = static_cast<int>(c.integer("messages_page"));
  s.analytic_timeout = ms(c.duration("analytic_timeout"));
  s.parallel = static_cast<int>(c.integer("parallel"));
  s.s3 = c.str("s3");
  s.s3_prefix = c.str("s3_prefix");
  s.daily = c.boolean("daily");
  s.daily_at = c.str("daily_at");
  s.daily_range = c.str("daily_range");
  s.connect_timeout = ms(c.duration("connect_timeout"));
  s.timeout = ms(c.duration("timeout"));
  s.link_expires = c.duration("link_expires");
  return s;
}

std::optional<std::string> normalize_instance(std::string_view url) {
  if (!starts_with(url, "https://") && !starts_with(url, "http://")) return std::nullopt;
  std::string out(url);
  size_t host = out.find("://") + 3;
  size_t end = out.find('/', host);
  std::string_view authority = std::string_view(out).substr(host, end - host);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  for (char ch : out)
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == '?' || ch == '#') return std::nullopt;
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

bool valid_range(std::string_view range) {
  if (iequals(range, "TODAY") || iequals(range, "ALL")) return true;
  if (range.size() < 2 || range.size() > 6) return false;
  char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(range.back())));
  if (unit != 'D' && unit != 'W' && unit != 'M' && unit != 'Y') return false;
  std::string_view n = range.substr(0, range.size() - 1);
  for (char ch : n)
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
  return n.find_first_not_of('0') != std::string_view::npos;
}

namespace {

struct Problem {
  const char* key;
  std::string message;
};

// What a run would reject in `s`. `configured`: the pipeline is in use, so the keys a call
// needs must be set too.
std::vector<Problem> problems(const WenetSettings& s, bool configured) {
  std::vector<Problem> out;
  auto add = [&](const char* key, std::string message) {
    out.push_back({key, "[wenet] " + std::move(message)});
  };
  if (configured && s.instance.empty())
    add("instance", "instance is not set (the WeNet platform URL; there is no default)");
  if (!s.instance.empty() && !normalize_instance(s.instance))
    add("instance", "instance '" + s.instance +
                        "' is not an http(s):// URL with a host (and no user info or query)");
  if (configured && s.apikey.empty())
    add("apikey", "apikey is not set (or set FERRY_WENET_APIKEY)");
  if (configured && s.app_id.empty()) add("app_id", "app_id is not set");
  if (s.format != "csv" && s.format != "tsv")
    add("format", "format '" + s.format + "' is not csv or tsv");
  if (s.messages_page < 1 || s.messages_page > 10000)
    add("messages_page", "messages_page must be between 1 and 10000");
  if (s.analytic_timeout < std::chrono::milliseconds(1000))
    add("analytic_timeout", "analytic_timeout must be at least 1s");
  if (s.timeout < std::chrono::milliseconds(1000)) add("timeout", "timeout must be at least 1s");
  if (s.connect_timeout < std::chrono::milliseconds(1000))
    add("connect_timeout", "connect_timeout must be at least 1s");
  if (s.link_expires < seconds(1) || s.link_expires > seconds(7 * 86400))
    add("link_expires", "link_expires must be between 1s and 7d");
  if (s.output_dir.empty()) add("output_dir", "output_dir is empty");
  if (!parse_time_of_day(s.daily_at))
    add("daily_at", "daily_at '" + s.daily_at + "' is not a time of day HH:MM (00:00 to 23:59)");
  if (!valid_range(s.daily_range))
    add("daily_range", "daily_range '" + s.daily_range + "' is not TODAY, ALL or <N>D|W|M|Y");
  if (!TimeZone::find(s.timezone))
    add("timezone", "timezone '" + s.timezone + "' is not in the time zone database");
  return out;
}

}  // namespace

Status check_settings(WenetSettings& s) {
  auto found = problems(s, true);
  if (!found.empty()) return Failure::permanent("wenet: " + found.front().message);
  s.instance = *normalize_instance(s.instance);
  return Status::ok();
}

std::vector<core::ConfigProblem> check_config(const config::Config& config) {
  WenetSettings s = read_settings(config);
  const auto& section = config.table("wenet");
  bool configured = !s.instance.empty() || !s.apikey.empty() || !s.app_id.empty() || s.daily;
  std::vector<core::ConfigProblem> out;
  for (auto& p : problems(s, configured))
    out.push_back({section.setting(p.key).origin, std::move(p.message)});
  if (!s.s3.empty() && !config.named("s3", s.s3))
    out.push_back({section.setting("s3").origin,
                   "[wenet] s3 = '" + s.s3 + "' names no [s3." + s.s3 + "] target"});
  return out;
}

}  // namespace ferry::wenet
