// Internal to the CAKE time zones: POSIX TZ rules (the TZif footer) and the zone tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ferry::cake::detail {

// One end of a daylight-saving period: a day of the year and a local time on that day.
struct RuleDay {
  enum Kind { kJulian, kZeroBased, kMonthWeekDay } kind = kMonthWeekDay;
  int day = 0;              // kJulian: 1..365 (Feb 29 never counted); kZeroBased: 0..365
  int month = 1;            // kMonthWeekDay: 1..12
  int week = 1;             // 1..5, 5 = the last such weekday of the month
  int weekday = 0;          // 0 = Sunday
  int32_t time = 2 * 3600;  // seconds after local midnight; may be negative or past 24h
};

struct PosixRule {
  int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int32_t dst_offset = 0;  // seconds east of UTC
  RuleDay start;           // given in local standard time
  RuleDay end;             // given in local daylight time
};

// Reads `std offset [dst [offset] ,start[/time],end[/time]]` (POSIX, with RFC 8536's
// extensions: hours up to 167, negative times). nullopt when malformed, or when a daylight
// name comes without a rule.
std::optional<PosixRule> parse_posix_rule(std::string_view text);

// Seconds east of UTC at `utc_seconds` under `rule`.
int32_t posix_rule_offset(const PosixRule& rule, int64_t utc_seconds);

struct ZoneData {
  std::vector<int64_t> transitions;  // ascending UTC seconds
  std::vector<int32_t> offsets;      // offset in force from transitions[i] on
  int32_t initial_offset = 0;        // before the first transition
  std::optional<PosixRule> footer;   // after the last transition, when present
};

}  // namespace ferry::cake::detail
