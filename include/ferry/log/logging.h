// ferry's logs: console on stderr, and four files in log.dir (text lines, or JSON objects with
// log.format = "json"):
//   debug.log (everything), daily.log (info+), error.log (warning+), critical.log (critical).
// Each file is rotated at local midnight to `<name>.YYYY-MM-DD`; rotated files older than
// keep_days are deleted at every start. Every line passes through secret redaction: each
// secret value, plain, URL-encoded or JSON-escaped, becomes ******** (see base/scrub.h).
// Rotation follows the real clock (log lines carry real times), not FERRY_NOW.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/base/time.h"

namespace ferry::log {

struct LogOptions {
  std::string dir = "logs";
  int keep_days = 366;
  std::string console_level = "info";  // debug, info, warning, error, critical, off
  std::string format = "text";         // the files' lines: "text" or "json" (json_formatter.h)
  std::vector<std::string> secrets;    // values masked as ******** in every line
};

// Console-only logging, before the config is known.
void init_console(const std::string& level);

// Console plus the four files. Creates the dir, rotates files last written before today,
// sweeps old ones. A dir that cannot be created or written, or a file that cannot be opened,
// written or flushed (later too, e.g. when its disk fills), stops nothing: the console goes on
// (and the files that work), and the first such problem is kept for take_file_problem().
void init_files(const LogOptions& options);

// Flushes the logs, then returns the first problem the log files met (naming the dir or file and
// the system error) the first time it is called after that problem; "" otherwise. The caller
// reports it: once per process.
std::string take_file_problem();

// Deletes rotated files (`*.log.YYYY-MM-DD`) in `dir` dated more than `keep_days` before
// `today`. Returns how many were deleted. Other files are left alone.
int sweep_old_logs(const std::string& dir, const Date& today, int keep_days);

// `path.YYYY-MM-DD`.
std::string rotated_name(const std::string& path, const Date& day);

// Replaces every occurrence of each secret (at least 3 characters long), in any of the forms
// Scrubber knows, with ********.
std::string redact(std::string text, const std::vector<std::string>& secrets);

// Adds values to mask from now on (e.g. keys read later).
void add_secrets(const std::vector<std::string>& secrets);

// Flushes all sinks (before exit).
void flush();

// What JSON lines name as the work in progress. Process-wide, as a run does one unit at a time
// (worker threads of that unit log under it too). The runner sets them.
void set_current_run_id(int64_t run_id);  // 0: no run
int64_t current_run_id();
std::string current_pipeline();  // "" between units

// Names `pipeline` as the one at work until destroyed, then the one named before.
class PipelineScope {
 public:
  explicit PipelineScope(const std::string& pipeline);
  ~PipelineScope();
  PipelineScope(const PipelineScope&) = delete;
  PipelineScope& operator=(const PipelineScope&) = delete;

 private:
  std::string previous_;
};

}  // namespace ferry::log
