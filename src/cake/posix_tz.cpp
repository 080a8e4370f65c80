#include "cake/posix_tz.h"

#include <cctype>

#include "ferry/base/time.h"

namespace ferry::cake::detail {
namespace {

// A cursor over the rule text; every reader returns false and leaves the rule invalid when
// the text does not match.
struct Reader {
  std::string_view s;
  size_t i = 0;

  bool at_end() const { return i >= s.size(); }
  char peek() const { return at_end() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool number(int& out, int max) {
    size_t start = i;
    long v = 0;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      v = v * 10 + (s[i++] - '0');
      if (v > max) return false;
    }
    out = static_cast<int>(v);
    return i > start;
  }
  bool zone_name() {
    if (eat('<')) {
      size_t close = s.find('>', i);
      if (close == std::string_view::npos || close == i) return false;
      i = close + 1;
      return true;
    }
    size_t start = i;
    while (!at_end() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return i - start >= 3;
  }
  // [+-]hh[:mm[:ss]] as signed seconds; hours up to `max_hours`.
  bool clock(int32_t& out, int max_hours) {
    int sign = 1;
    if (eat('-')) {
      sign = -1;
    } else {
      eat('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!number(h, max_hours)) return false;
    if (eat(':')) {
      if (!number(m, 59)) return false;
      if (eat(':') && !number(sec, 59)) return false;
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool rule_day(RuleDay& d) {
    if (eat('J')) {
      d.kind = RuleDay::kJulian;
      if (!number(d.day, 365) || d.day < 1) return false;
    } else if (eat('M')) {
      d.kind = RuleDay::kMonthWeekDay;
      if (!number(d.month, 12) || d.month < 1 || !eat('.')) return false;
      if (!number(d.week, 5) || d.week < 1 || !eat('.')) return false;
      if (!number(d.weekday, 6)) return false;
    } else {
      d.kind = RuleDay::kZeroBased;
      if (!number(d.day, 365)) return false;
    }
    d.time = 2 * 3600;
    if (eat('/')) return clock(d.time, 167);
    return true;
  }
};

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

// Days since 1970-01-01 of the day `d` names in year `y`.
int64_t rule_day_number(const RuleDay& d, int year) {
  int64_t jan1 = days_from_civil(Date{year, 1, 1});
  switch (d.kind) {
    case RuleDay::kJulian:
      return jan1 + d.day - 1 + (is_leap(year) && d.day >= 60 ? 1 : 0);
    case RuleDay::kZeroBased:
      return jan1 + d.day;
    case RuleDay::kMonthWeekDay:
      break;
  }
  int64_t first = days_from_civil(Date{year, d.month, 1});
  int first_weekday = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  int64_t day = first + (d.weekday - first_weekday + 7) % 7 + (d.week - 1) * 7;
  while (day >= first + days_in_month(year, d.month)) day -= 7;
  return day;
}

}  // namespace

std::optional<PosixRule> parse_posix_rule(std::string_view text) {
  Reader r{text};
  PosixRule rule;
  int32_t west = 0;
  if (!r.zone_name() || !r.clock(west, 24)) return std::nullopt;
  rule.std_offset = -west;
  if (r.at_end()) return rule;
  if (!r.zone_name()) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (r.peek() != ',' && !r.at_end()) {
    if (!r.clock(west, 24)) return std::nullopt;
    rule.dst_offset = -west;
  }
  if (!r.eat(',') || !r.rule_day(rule.start) || !r.eat(',') || !r.rule_day(rule.end))
    return std::nullopt;
  if (!r.at_end()) return std::nullopt;
  return rule;
}

int32_t posix_rule_offset(const PosixRule& rule, int64_t utc_seconds) {
  if (!rule.has_dst) return rule.std_offset;
  int64_t local = utc_seconds + rule.std_offset;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int year = civil_from_days(days).year;
  int64_t start = rule_day_number(rule.start, year) * 86400 + rule.start.time - rule.std_offset;
  int64_t end = rule_day_number(rule.end, year) * 86400 + rule.end.time - rule.dst_offset;
  bool dst = start < end ? (utc_seconds >= start && utc_seconds < end)
                         : !(utc_seconds >= end && utc_seconds < start);
  return dst ? rule.dst_offset : rule.std_offset;
}

}  // namespace ferry::cake::detail
