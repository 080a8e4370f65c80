// How jobs are shown to operators: a table, a detail view and JSON. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/jobs.h"

namespace ferry::cli {

// Newest first, as given. Columns: ID KIND STATUS FROM TO PROGRESS CREATED, then the error
// for failed jobs or the download link for jobs with exactly one output that has one.
std::string format_jobs_table(const std::vector<state::Job>& jobs);
std::string format_job_detail(const state::Job& job);
// A JSON array of objects: id, kind, status, from, to, progress {done,total}, error,
// attempts, failures, created_at, started_at, finished_at, outputs [...].
std::string format_jobs_json(const std::vector<state::Job>& jobs);

struct DateRange {
  Date from, to;
};
// Parses --from/--to. Throws UsageError naming the argument and the accepted forms, or saying
// that from is after to.
DateRange parse_date_range(const std::string& from, const std::string& to);

}  // namespace ferry::cli
