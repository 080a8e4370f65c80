// Names of the CAKE output files and jobs, as the old tools made them (users rely on them).
#pragma once

#include <string>

#include "ferry/base/time.h"

namespace ferry::cake {

// `ClickReport_DDMMYYYY_HHMM_HHMM.csv` for the hour starting at `hour_start` (its UTC
// calendar, i.e. the CAKE wall clock; see requests.h): the start's date and time and the time
// an hour later, e.g. `ClickReport_10012016_0000_0100.csv`, and for the last hour of the day
// `ClickReport_10012016_2300_0000.csv`. Minutes of `hour_start` are kept as they are.
std::string click_file_name(TimePoint hour_start);

// `report_DDMMYYYY_DDMMYYYY` for a conversions job over the days `from` … `to` (both
// included), e.g. `report_10012016_04022016`; and that id plus `.csv`.
std::string conversion_job_id(const Date& from, const Date& to);
std::string conversion_file_name(const Date& from, const Date& to);

}  // namespace ferry::cake
