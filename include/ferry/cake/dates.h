// CAKE's ASP.NET JSON dates and the date cells of the CSV reports. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ferry/base/zone.h"

namespace ferry::cake {

// Parses `/Date(ms)/` or `/Date(ms±hhmm)/` (also the still-escaped `\/Date(…)\/`) into
// milliseconds since 1970-01-01T00:00:00Z. `ms` may be negative; the `±hhmm` suffix is the
// server's offset from UTC and does not change the instant (it is validated, then ignored).
// Returns nullopt for anything else, including an instant outside the years 1..9999.
std::optional<int64_t> parse_cake_date(std::string_view text);

// Appends `DD-MM-YYYYTHH:MM:SS.ffffff` (local time in `zone`; always six fraction digits,
// e.g. `11-01-2017T00:00:05.123000`) for the instant `ms`, which parse_cake_date accepted.
void append_cake_date(std::string& out, int64_t ms, const TimeZone& zone);

// The "Click to Conversion Time" cell: conversion minus click, written as Python's timedelta
// str() writes it (`0:05:12.345000`, `3:00:07`, `1 day, 0:00:05`, `2 days, 4:00:00.250000`).
// Returns "" when either date is missing or both are equal, and "1" when the click is later
// than the conversion or the whole difference is under one second. Unlike the old tool, a
// difference of whole days plus under a second is written in full (`1 day, 0:00:00.500000`),
// not as `1`: the note lists that as a defect not to repeat.
std::string click_to_conversion_time(std::optional<int64_t> click_ms,
                                     std::optional<int64_t> conversion_ms);

}  // namespace ferry::cake
