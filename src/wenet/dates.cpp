#include "ferry/wenet/dates.h"

#include <cctype>
#include <cstdint>
#include <stdexcept>

#include "ferry/base/text.h"

namespace ferry::wenet {

namespace {

// A cursor over the text being parsed.
struct Scan {
  std::string_view s;
  size_t i = 0;

  bool done() const { return i == s.size(); }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  bool eat_word(std::string_view w) {
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  // Exactly `n` digits as a number, or -1.
  int digits(size_t n) {
    if (i + n > s.size()) return -1;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
      v = v * 10 + (c - '0');
    }
    i += n;
    return v;
  }
};

struct Parts {
  Date date;
  bool year_first = false;
  int seconds = 0;            // since local midnight
  int64_t nanos = 0;          // fraction of the second
  std::optional<int> offset;  // seconds east of UTC
};

bool parse_date_part(Scan& sc, Parts& p) {
  size_t start = sc.i;
  int y = sc.digits(4);
  if (y >= 0 && (sc.eat('-') || sc.eat('/'))) {
    char sep = sc.s[sc.i - 1];
    int m = sc.digits(2);
    if (m < 0 || !sc.eat(sep)) return false;
    int d = sc.digits(2);
    p.date = Date{y, m, d};
    p.year_first = true;
    return d >= 0 && is_valid_date(y, m, d);
  }
  sc.i = start;
  int d = sc.digits(2);
  if (d < 0 || !(sc.eat('/') || sc.eat('-') || sc.eat('.'))) return false;
  char sep = sc.s[sc.i - 1];
  int m = sc.digits(2);
  if (m < 0 || !sc.eat(sep)) return false;
  y = sc.digits(4);
  p.date = Date{y, m, d};
  return y >= 0 && is_valid_date(y, m, d);
}

bool parse_time_part(Scan& sc, Parts& p) {
  int h = sc.digits(2);
  if (h < 0 || h > 23 || !sc.eat(':')) return false;
  int mi = sc.digits(2), s = 0;
  if (mi < 0 || mi > 59) return false;
  if (sc.eat(':')) {
    s = sc.digits(2);
    if (s < 0 || s > 59) return false;
    if (sc.eat('.') || sc.eat(',')) {
      int64_t scale = 100000000;
      size_t start = sc.i;
      while (!sc.done() && std::isdigit(static_cast<unsigned char>(sc.s[sc.i]))) {
        p.nanos += (sc.s[sc.i] - '0') * scale;
        scale /= 10;
        ++sc.i;
      }
      if (sc.i == start) return false;
    }
  }
  p.seconds = h * 3600 + mi * 60 + s;
  return true;
}

bool parse_offset(Scan& sc, Parts& p) {
  size_t start = sc.i;
  sc.eat(' ');
  if (sc.eat_word("Z") || sc.eat_word("UTC") || sc.eat_word("GMT")) {
    p.offset = 0;
    return sc.done();
  }
  bool plus = sc.eat('+');
  if (!plus && !sc.eat('-')) {
    sc.i = start;
    return sc.done();
  }
  int h = sc.digits(2), m = 0;
  if (h < 0 || h > 23) return false;
  if (!sc.done()) {
    sc.eat(':');
    m = sc.digits(2);
    if (m < 0 || m > 59) return false;
  }
  p.offset = (plus ? 1 : -1) * (h * 3600 + m * 60);
  return sc.done();
}

std::optional<TimePoint> epoch_time(std::string_view text) {
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  auto n = parse_int64(text);
  if (!n) return std::nullopt;
  if (text.size() == 9 || text.size() == 10) return checked_time_point(*n);
  if (text.size() == 12 || text.size() == 13) {
    // Below the last representable second, so adding the milliseconds cannot overflow.
    auto seconds = *n / 1000 < 9'000'000'000 ? checked_time_point(*n / 1000) : std::nullopt;
    if (!seconds) return std::nullopt;
    return *seconds + std::chrono::milliseconds(*n % 1000);
  }
  return std::nullopt;
}

}  // namespace

std::optional<TimePoint> parse_dump_date(std::string_view raw, const TimeZone& zone) {
  std::string text = trim(raw);
  if (auto epoch = epoch_time(text)) return epoch;
  Scan sc{text};
  Parts p;
  if (!parse_date_part(sc, p)) return std::nullopt;
  if (!sc.done()) {
    if (!(sc.eat(' ') || (p.year_first && sc.eat('T'))) || !parse_time_part(sc, p) ||
        !parse_offset(sc, p))
      return std::nullopt;
  }
  if (!time_representable(p.date) || p.date.year <= kFirstTimeYear || p.date.year >= kLastTimeYear)
    return std::nullopt;
  std::chrono::nanoseconds within_minute =
      std::chrono::seconds(p.seconds % 60) + std::chrono::nanoseconds(p.nanos);
  if (p.offset) {
    int64_t secs = days_from_civil(p.date) * 86400 + (p.seconds / 60) * 60 - *p.offset;
    return TimePoint(std::chrono::seconds(secs)) +
           std::chrono::duration_cast<TimePoint::duration>(within_minute);
  }
  return zone.local_instant(p.date, p.seconds / 60) +
         std::chrono::duration_cast<TimePoint::duration>(within_minute);
}

}  // namespace ferry::wenet
