// Named time zones from the system tz database (IANA names such as `America/New_York`, read
// from $TZDIR or /usr/share/zoneinfo through cctz), shared by every pipeline that needs local
// dates. The process's TZ is never read or changed, so log timestamps and other threads are
// not affected.
//
// A TimeZone is immutable, trivially cheap to copy, and safe to use from many threads at
// once. Each zone is loaded once per process and kept until exit (like cctz's own cache), so
// looking the same name up again costs a map lookup. utc_offset() remembers, per thread, the
// span between two offset changes it last answered from, so a run of nearby instants (the
// date cells of one report) costs a range check each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ferry/base/time.h"

namespace ferry {

// A local wall-clock reading: the civil date and the seconds since local midnight.
struct LocalTime {
  Date date;
  int seconds = 0;  // 0..86399
};

class TimeZone {
 public:
  struct Impl;

  // UTC, like utc().
  TimeZone() = default;

  // UTC (offset 0 always). Needs no tz database.
  static TimeZone utc();

  // The zone named `name`: `UTC` (also `Etc/UTC`, `GMT`, `Etc/GMT`, which need no tz
  // database) or an IANA name. Returns nullopt when the name is malformed (empty, absolute,
  // with a `.` or `..` part, or characters other than letters, digits and `/_-+.`) or when
  // the tz database has no valid zone of that name. Never throws except std::bad_alloc.
  static std::optional<TimeZone> find(const std::string& name);

  // As find(), but throws ferry::UsageError naming the zone (`unknown time zone 'Mars/Base'`)
  // instead of returning nullopt. For command-line and config input.
  static TimeZone load(const std::string& name);

  // The name the zone was found by (`UTC` for the default zone).
  const std::string& name() const;

  // The offset from UTC, in seconds east (New York in winter: -18000), at the instant
  // `utc_seconds` since 1970-01-01T00:00:00Z.
  int32_t utc_offset(int64_t utc_seconds) const;

  // The local date and time at the instant `t` (fractions of a second dropped, rounding
  // towards the past).
  LocalTime local_time(TimePoint t) const;
  Date local_date(TimePoint t) const { return local_time(t).date; }

  // The instant at which the local day `d` starts: local midnight, or, when midnight does not
  // exist that day (a daylight-saving gap at 00:00, as in America/Sao_Paulo before 2019), the
  // first instant after the gap.
  TimePoint local_midnight(const Date& d) const { return local_instant(d, 0); }

  // The instant of local time `minutes` after midnight on `d` (precondition: 0 <= minutes <
  // 1440). In a gap (clocks jump forward past that time) it is the first valid instant after
  // the gap, i.e. the moment of the switch; in an overlap (clocks go back, the time happens
  // twice) it is the earlier of the two instants. Throws std::out_of_range unless
  // time_representable(d).
  TimePoint local_instant(const Date& d, int minutes) const;

 private:
  explicit TimeZone(const Impl* impl) : impl_(impl) {}

  const Impl* impl_ = nullptr;  // null for UTC; otherwise owned by the process-wide cache
};

}  // namespace ferry
