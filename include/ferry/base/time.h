// Calendar and timestamp helpers. Pure functions: no clock is read here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

// A calendar date (proleptic Gregorian).
struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  bool operator==(const Date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
  bool operator<(const Date& o) const;
  bool operator<=(const Date& o) const { return !(o < *this); }
};

// The instants a TimePoint holds (64-bit nanoseconds around 1970) cover the whole years
// kFirstTimeYear..kLastTimeYear; conversions of dates or times outside them are errors (nullopt,
// or std::out_of_range for a broken precondition), never a wrapped value.
constexpr int kFirstTimeYear = 1678;
constexpr int kLastTimeYear = 2261;
// The longest duration parse_duration() accepts (100 years of days).
constexpr Seconds kMaxDuration{36500LL * 86400};

// Days since 1970-01-01 for a valid date, and back. civil_from_days requires a result year in
// 1..9999 (|days| below about 2.9 million years), else it throws std::out_of_range.
int64_t days_from_civil(const Date& d);
Date civil_from_days(int64_t days);
bool is_valid_date(int year, int month, int day);
// Throws std::out_of_range when the result is outside years 1..9999.
Date add_days(const Date& d, int64_t days);
// Whether a TimePoint holds the whole day `d` (its year in kFirstTimeYear..kLastTimeYear).
bool time_representable(const Date& d);
// The instant `seconds` after 1970-01-01T00:00:00Z; nullopt when a TimePoint cannot hold it.
std::optional<TimePoint> checked_time_point(int64_t seconds);

// Parses `dd-mm-yyyy` or `yyyy-mm-dd`. Returns nullopt for any other form or an impossible
// date such as 31-02-2016.
std::optional<Date> parse_date(std::string_view text);

// `yyyy-mm-dd`.
std::string format_date(const Date& d);

// Midnight UTC at the start of `d`. Throws std::out_of_range unless time_representable(d).
TimePoint start_of_day_utc(const Date& d);
Date utc_date(TimePoint t);

// Parses ISO-8601 timestamps: `2016-01-11T00:05:00Z`, with optional fractional seconds and
// a `Z`, `+hh:mm` or `-hh:mm` offset; a bare `2016-01-11` means midnight UTC. nullopt if bad
// or outside what a TimePoint holds.
std::optional<TimePoint> parse_iso8601(std::string_view text);

// `2016-01-11T00:05:00Z` (UTC, whole seconds).
std::string format_iso8601(TimePoint t);

// Parses a duration such as `90s`, `5m`, `1h`, `7d` or combinations (`1h30m`). A bare
// number is not accepted: the unit is required. nullopt if bad or longer than kMaxDuration.
std::optional<Seconds> parse_duration(std::string_view text);

// Shortest text parse_duration() reads back to the same value (`1h30m`, `0s`).
std::string format_duration(Seconds s);

// The local calendar date (the process's TZ) of `t`.
Date local_date(TimePoint t);

}  // namespace ferry
