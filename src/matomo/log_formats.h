// Internal to the Matomo log parser: each format's scanner cuts a line into raw fields
// (RawLine, views into the line or a scratch buffer); finish_line turns them into a LogLine
// (dates, offsets, numbers, path/query split, host clean-up) the same way for every format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/matomo/log_parser.h"

namespace ferry::matomo::detail {

enum class DateForm : uint8_t {
  kClf,  // date "05/Mar/2015:13:55:36", offset "-0800"
  kW3c,  // date "2015-03-05", time "13:55:36[.fff]"
  kIso   // date "2015-03-05T13:55:36", offset "" or "-08:00"
};
enum class GenUnit : uint8_t { kNone, kSecs, kMillis };

struct RawLine {
  std::string_view ip, host, path, query, userid, referrer, user_agent, method;
  std::string_view date, time, offset, status, length, generation;
  bool has_host = false;
  bool has_query = false;  // the query is its own field (W3C); else split from path at '?'
  DateForm date_form = DateForm::kClf;
  GenUnit gen_unit = GenUnit::kNone;
  int fields = 0;  // fields the format captures (import_logs.py's regex groups), for detection
};

// Each scanner returns an empty view when the line matches, else the reason it does not.
// The CLF family: common, common_vhost, ncsa_extended, common_complete.
std::string_view scan_clf(std::string_view line, LogFormat format, RawLine& raw);
std::string_view scan_s3(std::string_view line, RawLine& raw);
std::string_view scan_elb(std::string_view line, RawLine& raw);
// `fields` from the last #Fields line; `iis` takes time-taken in milliseconds.
std::string_view scan_w3c(std::string_view line, const std::vector<LogParser::W3cField>& fields,
                          bool iis, RawLine& raw);
// Decoded strings go to `buf` (resized to the line's length at most; views into it).
std::string_view scan_nginx_json(std::string_view line, std::string& buf, RawLine& raw);

// The W3C columns of a `#Fields:` line (the text after "#Fields:").
std::vector<LogParser::W3cField> read_w3c_fields(std::string_view names);
// Captured fields of a W3C layout as import_logs.py counts them (IIS counts sc-win32-status).
int w3c_field_count(const std::vector<LogParser::W3cField>& fields, bool iis);

// Fills `out` from `raw`; empty on success, else the reason (bad date, offset or status).
std::string_view finish_line(const RawLine& raw, std::string& host_buf, std::string& ext_buf,
                             LogLine& out);

// Date and number helpers (exposed for tests and the fuzz target).
// "05/Mar/2015:13:55:36" (day, hour, minute, second of 1 or 2 digits; month name in any case).
bool parse_clf_datetime(std::string_view text, int64_t& seconds);
// "2015-03-05" and "13:55:36" (a fraction after the seconds is ignored).
bool parse_ymd_hms(std::string_view date, std::string_view time, int64_t& seconds);
// "", "Z", "±HHMM", "±HH:MM" (HH ≤ 23, MM ≤ 59) → seconds east of UTC.
bool parse_offset(std::string_view text, int64_t& seconds);
// Decimal seconds or milliseconds ("0.012", "15", "1e-3") → whole ms; -1 for `-`, negative
// or unreadable values.
int64_t parse_ms(std::string_view text, GenUnit unit);

// Python's \s on bytes: space, \t, \n, \v, \f, \r (one comparison for most characters).
inline bool is_space(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= ' ' && (u == ' ' || (u >= '\t' && u <= '\r'));
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace ferry::matomo::detail
