// LogParser: format names, W3C headers, auto-detection, and dispatch to the format scanners.
#include "ferry/matomo/log_parser.h"

#include "matomo/log_formats.h"

namespace ferry::matomo {
namespace {

struct NamedFormat {
  LogFormat format;
  std::string_view name;
};
// In import_logs.py's order, which decides ties in auto-detection.
constexpr NamedFormat kFormats[] = {
    {LogFormat::kAuto, "auto"},
    {LogFormat::kCommon, "common"},
    {LogFormat::kCommonVhost, "common_vhost"},
    {LogFormat::kNcsaExtended, "ncsa_extended"},
    {LogFormat::kCommonComplete, "common_complete"},
    {LogFormat::kW3cExtended, "w3c_extended"},
    {LogFormat::kIis, "iis"},
    {LogFormat::kS3, "s3"},
    {LogFormat::kElb, "elb"},
    {LogFormat::kNginxJson, "nginx_json"},
};

ParseResult invalid(std::string_view why) {
  return {LineOutcome::kInvalid, why};
}

bool is_w3c(LogFormat f) {
  return f == LogFormat::kW3cExtended || f == LogFormat::kIis;
}

bool blank(std::string_view line) {
  for (char c : line)
    if (!detail::is_space(c)) return false;
  return true;
}

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view name) {
  for (const auto& f : kFormats)
    if (f.name == name) return f.format;
  return std::nullopt;
}

std::string_view log_format_name(LogFormat f) {
  for (const auto& named : kFormats)
    if (named.format == f) return named.name;
  return "unknown";
}

const std::vector<std::string_view>& log_format_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& f : kFormats) v.push_back(f.name);
    return v;
  }();
  return names;
}

LogParser::LogParser(LogFormat format) : current_(format) {}

ParseResult LogParser::parse_header(std::string_view line) {
  constexpr std::string_view kFields = "#Fields:";
  if (line.substr(0, kFields.size()) == kFields) {
    w3c_fields_ = detail::read_w3c_fields(line.substr(kFields.size()));
    w3c_known_ = true;
  }
  return {LineOutcome::kHeader, {}};
}

namespace {

// Runs the scanner of `f` (not kAuto) on `line`.
std::string_view scan(LogFormat f, std::string_view line, bool w3c_known,
                      const std::vector<LogParser::W3cField>& fields, std::string& json_buf,
                      detail::RawLine& raw) {
  switch (f) {
    case LogFormat::kCommon:
    case LogFormat::kCommonVhost:
    case LogFormat::kNcsaExtended:
    case LogFormat::kCommonComplete:
      return detail::scan_clf(line, f, raw);
    case LogFormat::kW3cExtended:
    case LogFormat::kIis:
      if (!w3c_known) return reason::kNoFields;
      return detail::scan_w3c(line, fields, f == LogFormat::kIis, raw);
    case LogFormat::kS3:
      return detail::scan_s3(line, raw);
    case LogFormat::kElb:
      return detail::scan_elb(line, raw);
    case LogFormat::kNginxJson:
      return detail::scan_nginx_json(line, json_buf, raw);
    case LogFormat::kAuto:
      break;
  }
  return reason::kNoMatch;
}

}  // namespace

ParseResult LogParser::detect(std::string_view line, LogLine& out) {
  detail::RawLine best;
  LogFormat best_format = LogFormat::kAuto;
  for (const auto& named : kFormats) {
    if (named.format == LogFormat::kAuto || (is_w3c(named.format) && !w3c_known_)) continue;
    detail::RawLine raw;
    if (!scan(named.format, line, w3c_known_, w3c_fields_, json_buf_, raw).empty()) continue;
    if (best_format == LogFormat::kAuto || raw.fields > best.fields) {
      best = raw;
      best_format = named.format;
    }
  }
  if (best_format == LogFormat::kAuto) return invalid(reason::kNoMatch);
  current_ = best_format;
  std::string_view why = detail::finish_line(best, host_buf_, ext_buf_, out);
  if (!why.empty()) return invalid(why);
  return {LineOutcome::kHit, {}};
}

ParseResult LogParser::parse(std::string_view line, LogLine& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (blank(line)) return {LineOutcome::kSkip, {}};
  if (line[0] == '#' && (current_ == LogFormat::kAuto || is_w3c(current_))) {
    return parse_header(line);
  }
  if (current_ == LogFormat::kAuto) return detect(line, out);
  detail::RawLine raw;
  std::string_view why = scan(current_, line, w3c_known_, w3c_fields_, json_buf_, raw);
  if (why.empty()) why = detail::finish_line(raw, host_buf_, ext_buf_, out);
  if (!why.empty()) return invalid(why);
  return {LineOutcome::kHit, {}};
}

}  // namespace ferry::matomo
