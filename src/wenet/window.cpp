#include "ferry/wenet/window.h"

#include <cctype>
#include <cstdio>

#include "ferry/base/error.h"

namespace ferry::wenet {
namespace {

using std::chrono::nanoseconds;

// An ISO 8601 text split into its parts; `offset` absent when the text has none.
struct IsoParts {
  Date date;
  bool has_time = false;
  int64_t seconds = 0;  // since midnight
  int64_t nanos = 0;
  std::optional<int> offset;  // seconds east of UTC
};

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

int number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// Reads `+hh:mm`, `-hh:mm`, `Z` or nothing into `p.offset`.
bool parse_offset(std::string_view rest, IsoParts& p) {
  if (rest.empty()) return true;
  if (rest == "Z") {
    p.offset = 0;
    return true;
  }
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' ||
      !digits(rest.substr(1, 2)) || !digits(rest.substr(4, 2)))
    return false;
  int h = number(rest.substr(1, 2)), m = number(rest.substr(4, 2));
  if (h > 23 || m > 59) return false;
  p.offset = (rest[0] == '+' ? 1 : -1) * (h * 3600 + m * 60);
  return true;
}

std::optional<IsoParts> parse_iso(std::string_view t) {
  IsoParts p;
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto date = parse_date(t.substr(0, 10));
  if (!date || date->year <= kFirstTimeYear || date->year >= kLastTimeYear) return std::nullopt;
  p.date = *date;
  std::string_view rest = t.substr(10);
  if (rest.empty()) return p;
  if ((rest[0] != 'T' && rest[0] != ' ') || rest.size() < 6) return std::nullopt;
  std::string_view hm = rest.substr(1, 5);
  if (hm[2] != ':' || !digits(hm.substr(0, 2)) || !digits(hm.substr(3, 2))) return std::nullopt;
  int h = number(hm.substr(0, 2)), mi = number(hm.substr(3, 2)), s = 0;
  rest = rest.substr(6);
  if (rest.size() >= 3 && rest[0] == ':') {
    if (!digits(rest.substr(1, 2))) return std::nullopt;
    s = number(rest.substr(1, 2));
    rest = rest.substr(3);
    if (!rest.empty() && rest[0] == '.') {
      size_t n = 1;
      int64_t scale = 100'000'000;
      while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) {
        p.nanos += (rest[n] - '0') * scale;
        scale /= 10;
        ++n;
      }
      if (n == 1) return std::nullopt;
      rest = rest.substr(n);
    }
  }
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  p.has_time = true;
  p.seconds = h * 3600 + mi * 60 + s;
  if (!parse_offset(rest, p)) return std::nullopt;
  return p;
}

TimePoint utc_instant(const IsoParts& p, int offset) {
  int64_t secs = days_from_civil(p.date) * 86400 + p.seconds - offset;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(secs) +
                                                                   nanoseconds(p.nanos)));
}

TimePoint bound(std::string_view text, const char* what, const TimeZone& zone) {
  auto p = parse_iso(text);
  if (!p)
    throw UsageError(std::string(what) + " '" + std::string(text) +
                     "' is not an ISO 8601 date or time (e.g. 2021-07-24 or 2021-07-24T10:00:00)");
  if (p->offset) return utc_instant(*p, *p->offset);
  TimePoint t = zone.local_instant(p->date, static_cast<int>(p->seconds / 60));
  return t + std::chrono::seconds(p->seconds % 60) +
         std::chrono::duration_cast<TimePoint::duration>(nanoseconds(p->nanos));
}

// `d` moved by `months` calendar months, the day clamped to the target month's length.
Date add_months(const Date& d, int64_t months) {
  int64_t m = d.year * 12LL + (d.month - 1) + months;
  Date r;
  r.year = static_cast<int>(m >= 0 ? m / 12 : (m - 11) / 12);
  r.month = static_cast<int>(m - r.year * 12LL) + 1;
  r.day = d.day;
  while (r.day > 28 && !is_valid_date(r.year, r.month, r.day)) --r.day;
  return r;
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

}  // namespace

Window window_from_range(std::string_view range, TimePoint now, const TimeZone& zone) {
  std::string r;
  for (char c : range) r += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto bad = [&](const std::string& why) {
    return UsageError("--range '" + std::string(range) + "' " + why);
  };
  Date today = zone.local_date(now);
  Window w;
  w.label = std::string(range);
  if (r == "TODAY") {
    w.from = zone.local_midnight(today);
    w.to = zone.local_midnight(add_days(today, 1));
    return w;
  }
  w.to = zone.local_midnight(today);
  if (r == "ALL") return w;
  if (r.size() < 2 || r.size() > 5 || !digits(r.substr(0, r.size() - 1)))
    throw bad("is not TODAY, ALL or <N>D, <N>W, <N>M, <N>Y (e.g. 7D)");
  int n = number(std::string_view(r).substr(0, r.size() - 1));
  if (n < 1) throw bad("needs N of at least 1");
  Date start;
  switch (r.back()) {
    case 'D':
      start = add_days(today, -n);
      break;
    case 'W':
      start = add_days(today, -7LL * n);
      break;
    case 'M':
      start = add_months(today, -n);
      break;
    case 'Y':
      start = add_months(today, -12LL * n);
      break;
    default:
      throw bad("has an unknown unit (D, W, M or Y)");
  }
  if (!time_representable(start))
    throw bad("starts before the year " + std::to_string(kFirstTimeYear));
  w.from = zone.local_midnight(start);
  return w;
}

Window window_from_bounds(std::string_view from, std::string_view to, const TimeZone& zone) {
  Window w;
  w.from = bound(from, "--from", zone);
  w.to = bound(to, "--to", zone);
  if (!(*w.from < w.to))
    throw UsageError("--from '" + std::string(from) + "' is not before --to '" + std::string(to) +
                     "'");
  w.label = std::string(from) + ".." + std::string(to);
  return w;
}

int64_t epoch_seconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string file_time(TimePoint t, const TimeZone& zone) {
  LocalTime l = zone.local_time(t);
  return format_date(l.date) + " " + two(l.seconds / 3600) + ":" + two(l.seconds / 60 % 60) + ":" +
         two(l.seconds % 60);
}

std::string logger_time(TimePoint t, const TimeZone& zone) {
  std::string s = file_time(t, zone);
  s[10] = 'T';
  auto frac = t.time_since_epoch() - std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(frac).count();
  if (micros > 0) {
    std::string digits6 = std::to_string(micros);
    s += "." + std::string(6 - digits6.size(), '0') + digits6;
  }
  int off = zone.utc_offset(epoch_seconds(t));
  int a = off < 0 ? -off : off;
  return s + (off < 0 ? "-" : "+") + two(a / 3600) + ":" + two(a / 60 % 60);
}

std::optional<TimePoint> parse_logger_time(std::string_view text) {
  auto p = parse_iso(text);
  if (!p) return std::nullopt;
  return utc_instant(*p, p->offset.value_or(0));
}

}  // namespace ferry::wenet
