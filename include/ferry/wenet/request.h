// What one report run is asked to produce, as the command line, a queued job or the daily task
// gives it, and the checks made before any call (report names, input dump extensions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/core/registry.h"

namespace ferry::wenet {

enum class Report { kAnalytics, kQuestions, kUsers, kTasks, kMessages, kIdEmail, kAppsUsage };

// `analytics`, `questions`, `users`, `tasks`, `messages`, `id-email`, `apps-usage`.
const char* report_name(Report r);
// The file the report writes in its folder for table format `format` (csv or tsv):
// analytics.csv, questions.csv, users.csv, tasks.json, messages.json, id_email.csv,
// apps_usage.csv (.tsv when tsv).
std::string report_file(Report r, const std::string& format);
// The five main reports: analytics, questions, users, tasks, messages.
std::vector<Report> default_reports();

struct ReportRequest {
  std::vector<Report> reports;  // each once, in the order above
  // The window, as given: `range` (TODAY, ALL, <N>D|W|M|Y), or `from` and `to` (ISO dates or
  // times, local in wenet.timezone without offset), which win over `range`.
  std::string range;
  std::string from, to;
  TimePoint now;                  // the run's logical now, for a range
  std::string out_dir;            // "" = wenet.output_dir
  std::vector<std::string> apps;  // apps-usage: the chatbot apps, in order
  std::string updates;            // apps-usage: user-updates dump (.csv or .tsv)
  std::string failures;           // apps-usage: optional failures dump (.csv or .tsv)
};

// Parses report names (case-insensitive; `id_email`/`apps_usage` also accepted); none = the
// five main reports; duplicates are dropped and the order made canonical. Throws UsageError
// naming an unknown report.
std::vector<Report> parse_reports(const std::vector<std::string>& names);

// `A;B` split on `;`, blanks trimmed and dropped.
std::vector<std::string> split_apps(std::string_view text);

// Checks what can be checked before any call: apps-usage has --apps and --updates; the dumps end
// in .csv or .tsv; no window is asked for twice (--from without --to, or the reverse). Throws
// UsageError.
void check_request(const ReportRequest& request);

// The request as task arguments (`ferry report wenet` runs the `wenet` task with them) and back.
// from_args throws UsageError for an argument it does not know.
core::TaskArgs to_args(const ReportRequest& request);
ReportRequest from_args(const core::TaskArgs& args, TimePoint now);

}  // namespace ferry::wenet
