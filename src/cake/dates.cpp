#include "ferry/cake/dates.h"

#include "ferry/base/time.h"

namespace ferry::cake {
namespace {

constexpr int64_t kMinMs = -62135596800000;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Strips `/Date(` … `)/` (or the escaped `\/Date(` … `)\/`); empty view when absent.
std::string_view inner_part(std::string_view s) {
  for (std::string_view open : {"/Date(", "\\/Date("}) {
    std::string_view close = open[0] == '\\' ? ")\\/" : ")/";
    if (s.size() > open.size() + close.size() && s.substr(0, open.size()) == open &&
        s.substr(s.size() - close.size()) == close)
      return s.substr(open.size(), s.size() - open.size() - close.size());
  }
  return {};
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// Appends `H:MM:SS` and, when `micros` is not zero, `.ffffff`.
void append_clock(std::string& out, int64_t seconds, int64_t micros) {
  out += std::to_string(seconds / 3600);
  char buf[16] = {':', 0, 0, ':', 0, 0};
  put2(buf + 1, static_cast<int>(seconds / 60 % 60));
  put2(buf + 4, static_cast<int>(seconds % 60));
  out.append(buf, 6);
  if (micros == 0) return;
  std::string frac = std::to_string(micros);
  out += '.';
  out.append(6 - frac.size(), '0');
  out += frac;
}

}  // namespace

std::optional<int64_t> parse_cake_date(std::string_view text) {
  std::string_view s = inner_part(text);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative) ++i;
  size_t digits_start = i;
  int64_t ms = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (i - digits_start >= 16) return std::nullopt;  // far outside the years 1..9999
    ms = ms * 10 + (s[i++] - '0');
  }
  if (i == digits_start) return std::nullopt;
  if (i < s.size()) {
    std::string_view off = s.substr(i);
    if (off.size() != 5 || (off[0] != '+' && off[0] != '-')) return std::nullopt;
    for (size_t k = 1; k < 5; ++k)
      if (!is_digit(off[k])) return std::nullopt;
    int hours = (off[1] - '0') * 10 + (off[2] - '0');
    int minutes = (off[3] - '0') * 10 + (off[4] - '0');
    if (hours > 23 || minutes > 59) return std::nullopt;
  }
  if (negative) ms = -ms;
  if (ms < kMinMs || ms > kMaxMs) return std::nullopt;
  return ms;
}

void append_cake_date(std::string& out, int64_t ms, const TimeZone& zone) {
  int64_t secs = floor_div(ms, 1000);
  int millis = static_cast<int>(ms - secs * 1000);
  int64_t local = secs + zone.utc_offset(secs);
  int64_t days = floor_div(local, 86400);
  int sod = static_cast<int>(local - days * 86400);
  Date d = civil_from_days(days);
  char buf[32];
  put2(buf, d.day);
  buf[2] = '-';
  put2(buf + 3, d.month);
  buf[5] = '-';
  int y = d.year < 0 ? 0 : d.year % 10000;
  put2(buf + 6, y / 100);
  put2(buf + 8, y % 100);
  buf[10] = 'T';
  put2(buf + 11, sod / 3600);
  buf[13] = ':';
  put2(buf + 14, sod / 60 % 60);
  buf[16] = ':';
  put2(buf + 17, sod % 60);
  buf[19] = '.';
  buf[20] = static_cast<char>('0' + millis / 100);
  put2(buf + 21, millis % 100);
  buf[23] = buf[24] = buf[25] = '0';
  out.append(buf, 26);
}

std::string click_to_conversion_time(std::optional<int64_t> click_ms,
                                     std::optional<int64_t> conversion_ms) {
  if (!click_ms || !conversion_ms || *click_ms == *conversion_ms) return "";
  int64_t diff = *conversion_ms - *click_ms;
  if (diff < 1000) return "1";  // click later than the conversion, or under a second apart
  int64_t days = diff / 86400000;
  int64_t rest = diff % 86400000;
  std::string out;
  if (days > 0) out += std::to_string(days) + (days == 1 ? " day, " : " days, ");
  append_clock(out, rest / 1000, (rest % 1000) * 1000);
  return out;
}

}  // namespace ferry::cake
