#include "ferry/matomo/settings.h"
#include "ferry/base/text.h"

#include <regex.h>

#include <algorithm>
#include <cctype>

#include "ferry/base/zone.h"
#include "ferry/config/config.h"
#include "ferry/matomo/log_parser.h"

namespace ferry::matomo {
namespace {

using std::chrono::seconds;

std::chrono::milliseconds ms(seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s);
}

// `HH:MM` (00:00 … 23:59).
bool is_time_of_day(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
  return (t[0] - '0') * 10 + (t[1] - '0') < 24 && (t[3] - '0') * 10 + (t[4] - '0') < 60;
}

// The regcomp error of `pattern`; "" when it compiles.
std::string pattern_error(const std::string& pattern) {
  regex_t re;
  int rc = regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc == 0) {
    regfree(&re);
    return "";
  }
  char buf[256];
  regerror(rc, &re, buf, sizeof buf);
  regfree(&re);
  return buf;
}

SiteSettings read_site(const config::Section& s) {
  SiteSettings o;
  o.name = s.str("name");
  o.idsite = s.integer("idsite");
  o.prefix = s.str("prefix");
  o.pattern = s.str("pattern");
  o.format = s.str("format");
  o.main_url = s.str("main_url");
  return o;
}

}  // namespace

const SiteSettings* MatomoSettings::site(const std::string& name) const {
  for (const auto& s : sites)
    if (s.name == name) return &s;
  return nullptr;
}

const std::vector<std::string>& format_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (auto name : log_format_names()) out.emplace_back(name);
    return out;
  }();
  return names;
}

void declare_matomo_config(config::ConfigSchema& schema) {
  schema.section("matomo")
      .add_bool("enabled", false,
                "master switch: the daily task and matomo-import jobs run only when true")
      .add_string("url", "https://matomo.example.org/",
                  "Matomo base URL: hits to {url}matomo.php, API at {url}index.php")
      .add_secret("token_auth",
                  "a token with write access to the sites; env FERRY_MATOMO_TOKEN_AUTH")
      .add_int("recorders", 4, "bulk requests in flight (each visitor always on the same one)", 1,
               64)
      .add_int("batch_size", 200, "hits per bulk request", 1, 10000)
      .add_string("pull", "logs", "[s3.NAME] the day's log archives are read from")
      .add_string("push", "", "[s3.NAME] imported logs are archived to; \"\" = none")
      .add_string("push_prefix", "", "key prefix of the archive ZIPs in the push target")
      .add_string("timezone", "UTC",
                  "zone of a day when selecting objects by upload time, and of daily_at")
      .add_bool("daily", false, "queue one matomo-import job per site for yesterday once a day")
      .add_string("daily_at", "02:00", "time of day (HH:MM, in timezone) the daily jobs are queued")
      .add_path("work_dir", "work/matomo", "folder of downloaded logs until they are archived",
                "../work/matomo")
      .add_string("archive_command", "",
                  "run (by /bin/sh) after a day that imported hits, e.g. Matomo's core:archive; "
                  "\"\" = none")
      .add_duration("archive_command_timeout", seconds(3600),
                    "archive_command is killed after this long (a failure)")
      .add_bool("enable_static", true, "track static files (as downloads)")
      .add_bool("enable_bots", true, "track bots (bots=1 on every hit)")
      .add_bool("enable_http_errors", true, "track 4xx and 5xx lines")
      .add_bool("enable_http_redirects", true, "track 3xx lines (not 304)")
      .add_duration("connect_timeout", seconds(10), "TCP/TLS connect timeout of a Matomo call")
      .add_duration("timeout", seconds(120), "whole-exchange timeout of one Matomo call")
      .add_duration("retry_delay", seconds(10), "wait before a failed bulk request is re-sent");
  schema.section("matomo.site", config::SectionKind::kTableArray)
      .add_string("name", "", "names the site in files, keys, state and stats (required)")
      .add_int("idsite", 1, "Matomo's id of the site", 1, INT64_MAX)
      .add_string("prefix", "", "where its logs are in the pull bucket, e.g. example.org/")
      .add_string("pattern", "",
                  "optional regular expression (POSIX extended) a key must contain a match of")
      .add_string("format", "auto", "log format; auto detects it per file", format_names())
      .add_string("main_url", "", "the site's URL; \"\" = from SitesManager.getSiteFromId");
}

MatomoSettings read_settings(const config::Config& config) {
  const auto& c = config.table("matomo");
  MatomoSettings s;
  s.enabled = c.boolean("enabled");
  s.url = c.str("url");
  s.token_auth = c.str("token_auth");
  s.recorders = static_cast<int>(c.integer("recorders"));
  s.batch_size = static_cast<int>(c.integer("batch_size"));
  s.pull = c.str("pull");
  s.push = c.str("push");
  s.push_prefix = c.str("push_prefix");
  s.timezone = c.str("timezone");
  s.daily = c.boolean("daily");
  s.daily_at = c.str("daily_at");
  s.work_dir = c.str("work_dir");
  s.archive_command = c.str("archive_command");
  s.archive_command_timeout = c.duration("archive_command_timeout");
  s.enable_static = c.boolean("enable_static");
  s.enable_bots = c.boolean("enable_bots");
  s.enable_http_errors = c.boolean("enable_http_errors");
  s.enable_http_redirects = c.boolean("enable_http_redirects");
  s.connect_timeout = ms(c.duration("connect_timeout"));
  s.timeout = ms(c.duration("timeout"));
  s.retry_delay = ms(c.duration("retry_delay"));
  s.job_attempts = static_cast<int>(config.table("run").integer("job_attempts"));
  for (const auto& entry : config.entries("matomo.site")) s.sites.push_back(read_site(entry));
  return s;
}

std::optional<std::string> normalize_url(std::string_view url) {
  std::string out(url);
  if (!starts_with(out, "https://") && !starts_with(out, "http://")) return std::nullopt;
  size_t host = out.find("://") + 3;
  if (host >= out.size() || out[host] == '/') return std::nullopt;
  for (char c : out)
    if (std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
  if (out.back() != '/') out += '/';
  return out;
}

namespace {

struct Problem {
  std::string key;  // the [matomo] key whose value is wrong
  std::string message;
};

std::vector<Problem> problems(const MatomoSettings& s, bool in_use) {
  std::vector<Problem> out;
  auto add = [&](const char* key, std::string message) {
    out.push_back({key, "[matomo] " + std::move(message)});
  };
  if (in_use && !normalize_url(s.url))
    add("url", "url '" + s.url + "' is not an http(s):// URL with a host");
  if (in_use && s.token_auth.empty())
    add("token_auth", "token_auth is not set (or set FERRY_MATOMO_TOKEN_AUTH)");
  if (in_use && s.pull.empty()) add("pull", "pull (the S3 target of the logs) is empty");
  if (s.work_dir.empty()) add("work_dir", "work_dir is empty");
  if (!is_time_of_day(s.daily_at))
    add("daily_at", "daily_at '" + s.daily_at + "' is not a time of day HH:MM (00:00 to 23:59)");
  if (!TimeZone::find(s.timezone))
    add("timezone", "timezone '" + s.timezone + "' is not in the time zone database");
  if (s.timeout < std::chrono::milliseconds(1000)) add("timeout", "timeout must be at least 1s");
  if (s.connect_timeout < std::chrono::milliseconds(1000))
    add("connect_timeout", "connect_timeout must be at least 1s");
  if (s.archive_command_timeout < seconds(1))
    add("archive_command_timeout", "archive_command_timeout must be at least 1s");
  return out;
}

// The problems of one [[matomo.site]] entry (the loader refuses a name given twice).
void site_problems(const config::Section& entry, std::vector<core::ConfigProblem>& out) {
  SiteSettings s = read_site(entry);
  const std::string where = "[[matomo.site]] '" + s.name + "'";
  auto add = [&](const char* key, std::string message) {
    out.push_back({entry.setting(key).origin, std::move(message)});
  };
  if (s.name.empty()) add("name", "a [[matomo.site]] has an empty name");
  for (char c : s.name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      add("name", where + ": the name may hold only letters, digits, '.', '-' and '_'");
      break;
    }
  if (!s.pattern.empty()) {
    std::string err = pattern_error(s.pattern);
    if (!err.empty()) add("pattern", where + ": pattern '" + s.pattern + "': " + err);
  }
  if (!s.main_url.empty() && !normalize_url(s.main_url))
    add("main_url", where + ": main_url '" + s.main_url + "' is not an http(s):// URL");
}

}  // namespace

Status check_settings(MatomoSettings& s) {
  auto found = problems(s, true);
  if (!found.empty()) return Failure::permanent("matomo: " + found.front().message);
  s.url = *normalize_url(s.url);
  return Status::ok();
}

std::vector<core::ConfigProblem> check_config(const config::Config& config) {
  MatomoSettings s = read_settings(config);
  const auto& section = config.table("matomo");
  const bool in_use = s.enabled || s.daily;
  std::vector<core::ConfigProblem> out;
  for (auto& p : problems(s, in_use)) out.push_back({section.setting(p.key).origin, p.message});
  if (in_use && !s.pull.empty() && !config.named("s3", s.pull))
    out.push_back({section.setting("pull").origin,
                   "[matomo] pull = '" + s.pull + "' names no [s3." + s.pull + "] target"});
  if (in_use && !s.push.empty() && !config.named("s3", s.push))
    out.push_back({section.setting("push").origin,
                   "[matomo] push = '" + s.push + "' names no [s3." + s.push + "] target"});
  if (s.daily && s.sites.empty())
    out.push_back({section.setting("daily").origin,
                   "[matomo] daily is on but no [[matomo.site]] is configured"});
  for (const auto& entry : config.entries("matomo.site")) site_problems(entry, out);
  return out;
}

}  // namespace ferry::matomo
