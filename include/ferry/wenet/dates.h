// Dates of the apps-usage dumps and of logger timestamps, read as instants.
#pragma once

#include <optional>
#include <string_view>

#include "ferry/base/time.h"
#include "ferry/base/zone.h"

namespace ferry::wenet {

// Parses `text` (surrounding blanks ignored) in one of these forms, nullopt for anything else
// or an impossible date or time:
//   YYYY-MM-DD   YYYY/MM/DD   DD/MM/YYYY   DD-MM-YYYY   DD.MM.YYYY  (day first, never month first)
// each optionally followed by `T` (only after a year-first date) or one space and a time
//   HH:MM   HH:MM:SS   HH:MM:SS.fraction (any number of digits, `.` or `,`)
// optionally followed by an offset, directly or after one space:
//   Z   UTC   GMT   +HH:MM   +HHMM   +HH   (or `-`)
// and, on its own, an integer epoch time: 9 or 10 digits = seconds, 12 or 13 = milliseconds.
// A date or time without offset is local time in `zone` (a bare date: the local midnight that
// starts it; a time in a daylight-saving gap or overlap as TimeZone::local_instant places it).
std::optional<TimePoint> parse_dump_date(std::string_view text, const TimeZone& zone);

}  // namespace ferry::wenet
