#include "ferry/matomo/stats.h"

#include <algorithm>

namespace ferry::matomo {
namespace {

std::vector<std::string> fields(const StatsRow& r) {
  return {r.site,
          r.day,
          std::to_string(r.files),
          std::to_string(r.bytes),
          std::to_string(r.avg_bytes()),
          std::to_string(r.lines),
          std::to_string(r.hits_sent),
          std::to_string(r.hits_confirmed),
          std::to_string(r.invalid_lines),
          std::to_string(r.skipped_lines),
          std::to_string(r.maybe_twice)};
}

void append_quoted_row(std::string& out, const std::vector<std::string>& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : row[i]) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
}

}  // namespace

const std::vector<std::string>& stats_columns() {
  static const std::vector<std::string> columns{"site",
                                                "date",
                                                "files",
                                                "bytes",
                                                "avg_bytes_per_file",
                                                "lines",
                                                "hits_sent",
                                                "hits_confirmed",
                                                "invalid_lines",
                                                "skipped_lines",
                                                "maybe_sent_twice"};
  return columns;
}

std::string format_stats_csv(const std::vector<StatsRow>& rows) {
  std::string out;
  append_quoted_row(out, stats_columns());
  for (const auto& r : rows) append_quoted_row(out, fields(r));
  return out;
}

std::string format_stats_table(const std::vector<StatsRow>& rows) {
  if (rows.empty()) return "no imported objects\n";
  std::vector<std::vector<std::string>> table{stats_columns()};
  for (const auto& r : rows) table.push_back(fields(r));
  std::vector<size_t> width(stats_columns().size(), 0);
  for (const auto& row : table)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      const size_t pad = width[i] - row[i].size();
      if (i < 2)
        out += row[i] + std::string(pad, ' ');  // text left, numbers right
      else
        out += std::string(pad, ' ') + row[i];
      out += i + 1 < row.size() ? "  " : "\n";
    }
  }
  return out;
}

}  // namespace ferry::matomo
