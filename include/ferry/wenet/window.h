// WeNet report windows: one [from, to) pair of instants, computed once from the command line
// in the configured time zone and printed or sent in the forms each WeNet service reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ferry/base/time.h"
#include "ferry/base/zone.h"

namespace ferry::wenet {

// A report window: [from, to) instants. `from` absent for ALL.
struct Window {
  std::optional<TimePoint> from;
  TimePoint to;
  std::string label;  // as given: "1D", "ALL", or "2021-07-24T00:00:00..2021-07-31T00:00:00"
};

// --range TODAY|ALL|<N>D|<N>W|<N>M|<N>Y (case-insensitive, 1 <= N <= 9999) at `now` in `zone`:
// with M = local midnight today, TODAY = [M, midnight tomorrow), ALL = [none, M), <N>D/W =
// [M - N days/weeks, M), <N>M/Y = [the same day N calendar months/years before, M), the day
// clamped to the month's length (10M from 07-31 starts on 09-30). Throws UsageError naming the
// bad value (also when the start falls outside the years a TimePoint holds).
Window window_from_range(std::string_view range, TimePoint now, const TimeZone& zone);

// --from/--to: ISO 8601 dates (`2021-07-24`) or times (`2021-07-24T10:00[:00[.fff]]`, `T` or a
// space, optional `Z` or `+hh:mm`); a bare date is the local midnight that starts it in `zone`,
// a time without offset is local in `zone`. Throws UsageError naming the bad value, or when
// `from` is not before `to`.
Window window_from_bounds(std::string_view from, std::string_view to, const TimeZone& zone);

// How bounds print in files: the local time in `zone`, `2021-07-24 00:00:00`.
std::string file_time(TimePoint t, const TimeZone& zone);
// How bounds go to the logger: ISO with the zone's offset, `2021-07-24T00:00:00+02:00`
// (`+00:00` in UTC, never `Z`, which the logger refuses), with `.ffffff` microseconds when the
// instant has a fraction of a second. URL-encode it before use in a query.
std::string logger_time(TimePoint t, const TimeZone& zone);
// Epoch seconds of `t` (rounded towards the past), as the hub and task manager read times.
int64_t epoch_seconds(TimePoint t);

// A logger timestamp as it appears in messages: ISO 8601 with optional fraction (to the
// nanosecond) and optional `Z`/`+hh:mm` offset (none = UTC, as the logger reads it). nullopt
// when malformed.
std::optional<TimePoint> parse_logger_time(std::string_view text);

}  // namespace ferry::wenet
