// Importing one log file (or downloaded object): read it with io::LogReader (plain, .gz, .bz2,
// every member of a ZIP in name order), parse each line (LogParser, one per member), build each
// hit (build_hit) and give it to a Sender, and count everything for the summary. Lines are
// numbered from 1 across the members of the file; the Sender's confirmed position is in those
// numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/matomo/hits.h"
#include "ferry/matomo/log_parser.h"

namespace ferry::matomo {

class Sender;

struct InvalidReason {
  int64_t count = 0;
  std::vector<uint64_t> first_lines;  // at most kFirstLines line numbers
};

struct ImportCounts {
  static constexpr size_t kFirstLines = 5;
  uint64_t lines = 0;   // every line read, in every member
  int64_t members = 0;  // logs read (ZIP members, or 1)
  int64_t hits = 0;     // hits built (sent unless a dry run)
  int64_t invalid = 0;  // lines no format reads (by reason below)
  int64_t headers = 0, empty = 0;
  int64_t switched_off = 0;  // lines of a class switched off in config
  int64_t pages = 0, downloads = 0, statics = 0, redirects = 0, errors = 0, bots = 0;
  std::map<std::string, InvalidReason> invalid_by_reason;
  // Lines that are no hit and not invalid: headers, empty lines, classes switched off.
  int64_t skipped() const { return headers + empty + switched_off; }
};

struct ImportOptions {
  LogFormat format = LogFormat::kAuto;
  HitOptions hits;
  // Lines up to this one were confirmed by an earlier import of the same file: they are read
  // and counted but not sent again.
  uint64_t resume_after = 0;
  // Asked every few thousand lines; true stops the import: what was queued is flushed and
  // confirmed, and an interrupted failure is returned.
  std::function<bool()> should_stop = {};
};

// Imports the file at `path` into `sender` (nullptr: a dry run, every hit built, none sent).
// Returns the counts once every hit was sent and confirmed (sender->flush()). Fails with the
// Sender's failure (naming the file and the first unconfirmed line), a permanent failure for a
// file that cannot be read, or an interrupted one when should_stop said so. An invalid line is
// never a failure.
Result<ImportCounts> import_file(const std::string& path, const ImportOptions& options,
                                 Sender* sender);

// The summary `ferry import matomo` prints: lines, hits, invalid lines by reason with their
// first line numbers, skipped lines, the classes, and lines/s over `seconds`.
std::string format_summary(const ImportCounts& counts, double seconds, bool dry_run);

}  // namespace ferry::matomo
