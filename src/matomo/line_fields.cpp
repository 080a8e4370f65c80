// Turning a format's raw fields into a LogLine: dates and offsets to UTC seconds, numbers,
// the path/query split, the extension and the host clean-up, as import_logs.py does them.
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "matomo/log_formats.h"

namespace ferry::matomo::detail {
namespace {

constexpr int64_t kDay = 86400;

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// The first and last second of years 1..9999.
const int64_t kFirstSecond = days_from_civil(1, 1, 1) * kDay;
const int64_t kLastSecond = days_from_civil(9999, 12, 31) * kDay + kDay - 1;

// min..max digits at text[i...] as a number; advances i.
bool num(std::string_view text, size_t& i, size_t min, size_t max, int& value) {
  size_t start = i;
  value = 0;
  while (i < text.size() && i - start < max && is_digit(text[i]))
    value = value * 10 + (text[i++] - '0');
  return i - start >= min;
}

bool sep(std::string_view text, size_t& i, char c) {
  if (i < text.size() && text[i] == c) {
    ++i;
    return true;
  }
  return false;
}

bool to_seconds(int y, int mo, int d, int h, int mi, int s, int64_t& seconds) {
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
      s > 59) {
    return false;
  }
  seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kDay +
            h * 3600 + mi * 60 + s;
  return true;
}

int month_from_name(std::string_view text, size_t i) {
  if (text.size() < i + 3) return 0;
  char a = static_cast<char>(text[i] | 0x20), b = static_cast<char>(text[i + 1] | 0x20),
       c = static_cast<char>(text[i + 2] | 0x20);
  static const char kNames[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  for (int m = 0; m < 12; ++m)
    if (kNames[3 * m] == a && kNames[3 * m + 1] == b && kNames[3 * m + 2] == c) return m + 1;
  return 0;
}

bool hms(std::string_view text, size_t& i, int& h, int& mi, int& s) {
  return num(text, i, 1, 2, h) && sep(text, i, ':') && num(text, i, 1, 2, mi) &&
         sep(text, i, ':') && num(text, i, 1, 2, s);
}

// `"text"` → `text` (import_logs.py drops the first and last character when the first is '"').
std::string_view strip_quotes(std::string_view v) {
  if (v.empty() || v.front() != '"') return v;
  return v.size() >= 2 ? v.substr(1, v.size() - 2) : std::string_view();
}

bool has_upper(std::string_view v) {
  for (char c : v)
    if (c >= 'A' && c <= 'Z') return true;
  return false;
}

// `v` lower-cased: itself when it has no capital, else a copy in `buf`.
std::string_view lowered(std::string_view v, std::string& buf) {
  if (!has_upper(v)) return v;
  buf.assign(v.data(), v.size());
  for (char& c : buf)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return buf;
}

uint64_t parse_length(std::string_view v) {
  if (v.empty() || v.size() > 19) return 0;
  uint64_t n = 0;
  for (char c : v) {
    if (!is_digit(c)) return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

bool parse_status(std::string_view v, int& status) {
  if (v.empty() || v.size() > 9) return false;
  status = 0;
  for (char c : v) {
    if (!is_digit(c)) return false;
    status = status * 10 + (c - '0');
  }
  return true;
}

bool parse_time(const RawLine& raw, int64_t& t) {
  switch (raw.date_form) {
    case DateForm::kClf:
      return parse_clf_datetime(raw.date, t);
    case DateForm::kW3c:
      return parse_ymd_hms(raw.date, raw.time, t);
    case DateForm::kIso:
      return raw.date.size() > 11 && raw.date[10] == 'T' &&
             parse_ymd_hms(raw.date.substr(0, 10), raw.date.substr(11), t);
  }
  return false;
}

void split_path(const RawLine& raw, LogLine& out) {
  if (raw.has_query) {
    out.path = raw.path;
    out.query = raw.query;
  } else {
    size_t q = raw.path.find('?');
    out.path = raw.path.substr(0, q);
    out.query = q == std::string_view::npos ? std::string_view() : raw.path.substr(q + 1);
  }
  if (out.query == "-") out.query = std::string_view();
}

std::string_view clean_host(std::string_view h, std::string& buf) {
  while (!h.empty() && h.front() == '.') h.remove_prefix(1);
  while (!h.empty() && h.back() == '.') h.remove_suffix(1);
  h = strip_quotes(h);
  if (h == "-") return std::string_view();
  size_t colon = h.find(':');
  if (colon != std::string_view::npos && h.find("://") == std::string_view::npos &&
      h.find(':', colon + 1) == std::string_view::npos) {
    h = h.substr(0, colon);  // host:port (a single colon)
  }
  return lowered(h, buf);
}

}  // namespace

bool parse_clf_datetime(std::string_view text, int64_t& seconds) {
  size_t i = 0;
  int d = 0, y = 0, h = 0, mi = 0, s = 0;
  if (!num(text, i, 1, 2, d) || !sep(text, i, '/')) return false;
  int mo = month_from_name(text, i);
  i += 3;
  return mo != 0 && sep(text, i, '/') && num(text, i, 4, 4, y) && sep(text, i, ':') &&
         hms(text, i, h, mi, s) && i == text.size() && to_seconds(y, mo, d, h, mi, s, seconds);
}

bool parse_ymd_hms(std::string_view date, std::string_view time, int64_t& seconds) {
  size_t i = 0, j = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!(num(date, i, 4, 4, y) && sep(date, i, '-') && num(date, i, 1, 2, mo) && sep(date, i, '-') &&
        num(date, i, 1, 2, d) && i == date.size())) {
    return false;
  }
  if (!hms(time, j, h, mi, s)) return false;
  if (j < time.size()) {  // a fraction of a second, ignored
    if (time[j] != '.') return false;
    for (++j; j < time.size(); ++j)
      if (!is_digit(time[j])) return false;
  }
  return to_seconds(y, mo, d, h, mi, s, seconds);
}

bool parse_offset(std::string_view text, int64_t& seconds) {
  seconds = 0;
  if (text.empty() || text == "Z") return true;
  if (text[0] != '+' && text[0] != '-') return false;
  size_t i = 1;
  int h = 0, m = 0;
  if (!num(text, i, 2, 2, h)) return false;
  sep(text, i, ':');
  if (!num(text, i, 2, 2, m) || i != text.size() || h > 23 || m > 59) return false;
  seconds = (h * 3600 + m * 60) * (text[0] == '-' ? -1 : 1);
  return true;
}

int64_t parse_ms(std::string_view text, GenUnit unit) {
  if (unit == GenUnit::kNone || text.empty() || text.size() > 40) return -1;
  size_t i = 0;
  int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  while (i < text.size() && is_digit(text[i]) && i < 12) whole = whole * 10 + (text[i++] - '0');
  size_t int_digits = i;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i)
      if (frac_digits < 3) frac = frac * 10 + (text[i] - '0'), ++frac_digits;
  }
  if (i == text.size() && (int_digits > 0 || frac_digits > 0)) {
    if (unit == GenUnit::kMillis) return whole;
    while (frac_digits < 3) frac *= 10, ++frac_digits;
    return whole * 1000 + frac;
  }
  char buf[48];  // other forms a float takes ("1e-3"): strtod on a copy
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  double v = std::strtod(buf, &end);
  if (end != buf + text.size() || !(v >= 0) || v > 1e12) return -1;
  return static_cast<int64_t>(unit == GenUnit::kSecs ? v * 1000 : v);
}

std::string_view finish_line(const RawLine& raw, std::string& host_buf, std::string& ext_buf,
                             LogLine& out) {
  int64_t t = 0, offset = 0;
  if (!parse_time(raw, t)) return reason::kBadDate;
  if (!parse_offset(raw.offset, offset)) return reason::kBadOffset;
  t -= offset;
  if (t < kFirstSecond || t > kLastSecond) return reason::kBadDate;
  if (!parse_status(raw.status, out.status)) return reason::kBadStatus;
  out.time_utc = t;
  out.ip = raw.ip;
  out.method = raw.method;
  split_path(raw, out);
  size_t dot = out.path.rfind('.');
  out.extension =
      lowered(dot == std::string_view::npos ? out.path : out.path.substr(dot + 1), ext_buf);
  out.referrer = strip_quotes(raw.referrer);
  if (out.referrer == "-") out.referrer = std::string_view();
  out.user_agent = strip_quotes(raw.user_agent);
  out.userid = raw.userid == "-" ? std::string_view() : raw.userid;
  out.host = raw.has_host ? clean_host(raw.host, host_buf) : std::string_view();
  out.length = parse_length(raw.length);
  out.generation_ms = parse_ms(raw.generation, raw.gen_unit);
  return std::string_view();
}

}  // namespace ferry::matomo::detail
