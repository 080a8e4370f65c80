// The apps-usage report: which users of several chatbot apps registered to and completed the
// survey and used the ilog app, from hub user lists and the survey's dump files.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/base/time.h"
#include "ferry/base/zone.h"
#include "ferry/wenet/reports.h"
#include "ferry/wenet/table.h"

namespace ferry::wenet {

// One row of a dump file (`--updates`: columns wenet_id, last_update; `--failures`: wenet_id,
// failure_datetime).
struct DumpRow {
  std::string wenet_id;
  std::string date_text;          // as in the file
  std::optional<TimePoint> date;  // parse_dump_date(date_text, zone); nullopt if it does not parse
};

// The rows of dump text in format `f`. The first row is the header; it must name `wenet_id`
// and `date_column` (other columns are ignored, any order). Rows with an empty wenet_id are
// skipped with a warning; a date that does not parse gives a warning (the row still counts for
// "registered/completed survey", never as dated in a window). Throws UsageError naming
// `source` when a column is missing or a quote is unterminated.
std::vector<DumpRow> parse_dump(std::string_view text, TableFormat f, std::string_view date_column,
                                const TimeZone& zone, const std::string& source,
                                std::vector<std::string>& warnings);

// parse_dump() of the file at `path`, csv or tsv by its extension. Throws UsageError for
// another extension (before reading), an unreadable file, or what parse_dump throws.
std::vector<DumpRow> read_dump_file(const std::string& path, std::string_view date_column,
                                    const TimeZone& zone, std::vector<std::string>& warnings);

// The column names of the two dumps.
inline constexpr std::string_view kUpdatesDateColumn = "last_update";
inline constexpr std::string_view kFailuresDateColumn = "failure_datetime";

struct AppsUsageInput {
  std::vector<std::string> app_ids;  // the chatbot apps, in --apps order
  std::string ilog_id, survey_id;
  std::map<std::string, std::string> app_names;  // chatbot app id -> hub app details `name`
  // Hub users in the window, per app id (every chatbot app, ilog_id and survey_id), hub order.
  // Without a window: every user of the app.
  std::map<std::string, std::vector<std::string>> window_users;
  // Every user (no time filter), per app id (every chatbot app, ilog_id and survey_id).
  std::map<std::string, std::set<std::string>> all_users;
  std::vector<DumpRow> updates, failures;
  // The window's bounds for dump dates, both inclusive; either may be open (nullopt).
  std::optional<TimePoint> from, to;
};

// The report's users: the union of window_users of every chatbot app (in app_ids order), of
// ilog_id, of survey_id, then the wenet_ids of updates and failures rows dated in the window
// (from <= date <= to; with both bounds open every row counts, even one whose date does not
// parse), each user once, at its first appearance. This order breaks ties in
// write_apps_usage. The caller fetches these users' profiles.
std::vector<std::string> apps_usage_users(const AppsUsageInput& in);

// The report: (`from`, `to` when h.has_window; no `app id` row), `total users,N`, an empty
// row, `email,registered to survey,completed survey,chatbot,ilog`, then one row per user of
// apps_usage_users(in):
//   email: profile `email` (missing profile or e-mail: empty cell and a warning);
//   registered to survey: yes when in all_users[survey_id] or in any dump row (any date);
//   completed survey: yes when in any row of either dump (any date);
//   chatbot: app_names of the chatbot apps whose all_users has the user, `;`-joined in app_ids
//     order (an app without a name prints its id, with a warning);
//   ilog: yes when in all_users[ilog_id].
// Rows sorted by the chatbot cell, descending, comparing bytes; equal cells keep the order of
// apps_usage_users() (a stable sort, as Python's sorted(..., reverse=True) is).
void write_apps_usage(std::ostream& out, TableFormat f, const ReportHeader& h,
                      const AppsUsageInput& in,
                      const std::map<std::string, nlohmann::json>& profiles,
                      std::vector<std::string>& warnings);

}  // namespace ferry::wenet
