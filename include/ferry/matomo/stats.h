// `ferry stats matomo`: the per site and day statistics of the import, as a table or as CSV with
// every field quoted (one row per site and day, as the old statistics CSV had).
#pragma once

#include <string>
#include <vector>

#include "ferry/matomo/store.h"

namespace ferry::matomo {

// The CSV header: site, date, files, bytes, avg_bytes_per_file, lines, hits_sent,
// hits_confirmed, invalid_lines, skipped_lines, maybe_sent_twice.
const std::vector<std::string>& stats_columns();

// Every field quoted (`"` doubled inside), comma-separated, "\n" after each row; the header
// first.
std::string format_stats_csv(const std::vector<StatsRow>& rows);

// An aligned text table with the same columns; "no imported objects" when empty.
std::string format_stats_table(const std::vector<StatsRow>& rows);

}  // namespace ferry::matomo
