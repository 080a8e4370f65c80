#include "ferry/base/time.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace ferry {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool Date::operator<(const Date& o) const {
  if (year != o.year) return year < o.year;
  if (month != o.month) return month < o.month;
  return day < o.day;
}

// Howard Hinnant's well-known civil-date algorithms, restated.
int64_t days_from_civil(const Date& d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (d.month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(int64_t z) {
  // 0001-01-01 and 9999-12-31 as days since 1970-01-01.
  constexpr int64_t kFirstDay = -719162, kLastDay = 2932896;
  if (z < kFirstDay || z > kLastDay)
    throw std::out_of_range("day " + std::to_string(z) + " is outside years 1..9999");
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  Date d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  return d;
}

bool is_valid_date(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

Date add_days(const Date& d, int64_t days) {
  constexpr int64_t kSpan = 2932896 + 719162;  // no valid date is further from another
  if (days > kSpan || days < -kSpan)
    throw std::out_of_range("adding " + std::to_string(days) + " days leaves years 1..9999");
  return civil_from_days(days_from_civil(d) + days);
}

bool time_representable(const Date& d) {
  return d.year >= kFirstTimeYear && d.year <= kLastTimeYear;
}

std::optional<TimePoint> checked_time_point(int64_t seconds) {
  using std::chrono::duration_cast;
  constexpr int64_t kMax = duration_cast<Seconds>(TimePoint::duration::max()).count();
  constexpr int64_t kMin = duration_cast<Seconds>(TimePoint::duration::min()).count();
  if (seconds > kMax || seconds < kMin) return std::nullopt;
  return TimePoint(duration_cast<TimePoint::duration>(Seconds(seconds)));
}

std::optional<Date> parse_date(std::string_view t) {
  int y, m, d;
  if (t.size() != 10) return std::nullopt;
  if (t[2] == '-' && t[5] == '-' && all_digits(t.substr(0, 2)) && all_digits(t.substr(3, 2)) &&
      all_digits(t.substr(6, 4))) {
    d = to_int(t.substr(0, 2));
    m = to_int(t.substr(3, 2));
    y = to_int(t.substr(6, 4));
  } else if (t[4] == '-' && t[7] == '-' && all_digits(t.substr(0, 4)) &&
             all_digits(t.substr(5, 2)) && all_digits(t.substr(8, 2))) {
    y = to_int(t.substr(0, 4));
    m = to_int(t.substr(5, 2));
    d = to_int(t.substr(8, 2));
  } else {
    return std::nullopt;
  }
  if (!is_valid_date(y, m, d)) return std::nullopt;
  return Date{y, m, d};
}

std::string format_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

TimePoint start_of_day_utc(const Date& d) {
  if (!time_representable(d))
    throw std::out_of_range("date " + format_date(d) + " is outside what a time point holds");
  return TimePoint(std::chrono::seconds(days_from_civil(d) * 86400));
}

Date utc_date(TimePoint t) {
  int64_t s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  return civil_from_days(days);
}

std::optional<TimePoint> parse_iso8601(std::string_view t) {
  if (t.size() < 10) return std::nullopt;
  auto date = parse_date(t.substr(0, 10));
  // One day of margin each side: an offset may move the instant into the next year.
  if (!date || t[4] != '-' || date->year <= kFirstTimeYear || date->year >= kLastTimeYear)
    return std::nullopt;
  int64_t secs = days_from_civil(*date) * 86400;
  std::string_view rest = t.substr(10);
  if (rest.empty()) return TimePoint(std::chrono::seconds(secs));
  if ((rest[0] != 'T' && rest[0] != ' ') || rest.size() < 9) return std::nullopt;
  std::string_view hms = rest.substr(1, 8);
  if (hms[2] != ':' || hms[5] != ':' || !all_digits(hms.substr(0, 2)) ||
      !all_digits(hms.substr(3, 2)) || !all_digits(hms.substr(6, 2)))
    return std::nullopt;
  int h = to_int(hms.substr(0, 2)), mi = to_int(hms.substr(3, 2)), s = to_int(hms.substr(6, 2));
  if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  secs += h * 3600 + mi * 60 + s;
  rest = rest.substr(9);
  if (!rest.empty() && rest[0] == '.') {
    size_t n = 1;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    if (n == 1) return std::nullopt;
    rest = rest.substr(n);
  }
  if (rest == "Z" || rest.empty()) return TimePoint(std::chrono::seconds(secs));
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
      all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2))) {
    int oh = to_int(rest.substr(1, 2)), om = to_int(rest.substr(4, 2));
    if (oh > 23 || om > 59) return std::nullopt;
    int off = oh * 3600 + om * 60;
    secs += rest[0] == '+' ? -off : off;
    return TimePoint(std::chrono::seconds(secs));
  }
  return std::nullopt;
}

std::string format_iso8601(TimePoint t) {
  int64_t s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  int64_t sod = s - days * 86400;
  Date d = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60));
  return buf;
}

std::optional<Seconds> parse_duration(std::string_view t) {
  if (t.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < t.size()) {
    size_t start = i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    if (i == start || i == t.size() || i - start > 9) return std::nullopt;
    int64_t n = std::stoll(std::string(t.substr(start, i - start)));
    switch (t[i]) {
      case 's':
        total += n;
        break;
      case 'm':
        total += n * 60;
        break;
      case 'h':
        total += n * 3600;
        break;
      case 'd':
        total += n * 86400;
        break;
      default:
        return std::nullopt;
    }
    if (total > kMaxDuration.count()) return std::nullopt;
    ++i;
  }
  return Seconds(total);
}

std::string format_duration(Seconds s) {
  int64_t v = s.count();
  if (v == 0) return "0s";
  std::string out;
  const std::pair<int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (auto [size, unit] : units) {
    if (v >= size) {
      out += std::to_string(v / size) + unit;
      v %= size;
    }
  }
  return out;
}

Date local_date(TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace ferry
