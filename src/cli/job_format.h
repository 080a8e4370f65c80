// How jobs are shown to operators: a table, a detail view and JSON. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/jobs.h"

namespace ferry::cli {

// Newest first, as given. Columns: ID KIND STATUS FROM TO PROGRESS CREATED NOTE: the error of
// a failed (or transiently failed, queued) job, or `waiting until T` for a job that waits for
// final data. Links are not shown here (see format_job_detail and `ferry link`).
std::string format_jobs_table(const std::vector<state::Job>& jobs);
std::string format_job_detail(const state::Job& job);
// A JSON array of objects: id, kind, status, from, to, progress {done,total}, error,
// attempts, failures, created_at, started_at, finished_at, not_before, outputs [...].
std::string format_jobs_json(const std::vector<state::Job>& jobs);

struct DateRange {
  Date from, to;
  int64_t days() const { return days_from_civil(to) - days_from_civil(from) + 1; }
};
// The years a job's dates may fall in.
constexpr int kFirstQueueYear = 2000;
constexpr int kLastQueueYear = 2100;
// Parses --from/--to. Throws UsageError naming the argument and the accepted forms, naming a
// date whose year is outside kFirstQueueYear..kLastQueueYear, or saying that from is after to.
DateRange parse_date_range(const std::string& from, const std::string& to);

// A job id argument of `command`: digits making a number from 1 to INT64_MAX. Throws
// UsageError naming the command and the text otherwise.
int64_t parse_job_id(const std::string& command, const std::string& text);

}  // namespace ferry::cli
