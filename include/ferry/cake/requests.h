// URLs and JSON bodies of the CAKE API calls, with the values the old tools sent (see
// shared/protocols/cake.md). Pure functions that never throw (bytes that are not UTF-8 are
// replaced by U+FFFD). The bodies hold the API key and password: never log them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ferry/base/time.h"

namespace ferry::cake {

// One report call: rows dated in [start, end), `row_limit` rows from `start_at_row` on
// (0-based; row_limit 0 = all). Times are CAKE's wall clock: CAKE reads `start_date` and
// `end_date` in the admin instance's own time zone, so ferry passes that wall clock as if it
// were UTC and the fields are written from the UTC calendar of `start` and `end`.
struct ReportSlice {
  TimePoint start;
  TimePoint end;
  int64_t start_at_row = 0;
  int64_t row_limit = 0;
};

// `MM/DD/YYYY HH:MM:SS` of `t`'s UTC calendar (whole seconds; below a second is dropped).
std::string format_request_time(TimePoint t);

// `{admin_url}/api/{version}/reports.asmx/Clicks` and `…/EventConversions`;
// `{admin_url}/api/1/get.asmx/Currencies`. A trailing `/` of `admin_url`
// is dropped.
std::string clicks_url(std::string_view admin_url, int version);
std::string conversions_url(std::string_view admin_url, int version);
std::string currencies_url(std::string_view admin_url);

// The JSON bodies (compact, keys in the documented order).
std::string clicks_request_body(std::string_view api_key, const ReportSlice& slice);
std::string conversions_request_body(std::string_view api_key, const ReportSlice& slice);
std::string currencies_request_body(std::string_view api_key);

}  // namespace ferry::cake
