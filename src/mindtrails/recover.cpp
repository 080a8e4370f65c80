#include "ferry/mindtrails/recover.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "ferry/base/error.h"
#include "ferry/io/csv.h"
#include "ferry/io/files.h"
#include "ferry/mindtrails/decrypt.h"
#include "ferry/mindtrails/names.h"
#include "ferry/mindtrails/rows.h"

namespace ferry::mindtrails {
namespace {

constexpr size_t kLoggedCellFailures = 10;

// Reads the files in order and keeps each id's first row.
std::vector<Row> collect_rows(io::Env& env, RecoverReport& report) {
  std::vector<Row> out;
  std::set<int64_t> seen;
  for (const auto& path : report.files) {
    ParsedRows parsed = parse_rows(env.read_file(path));
    if (!parsed.ok()) {
      report.unreadable.push_back(path + ": " + parsed.error);
      continue;
    }
    std::stable_sort(parsed.rows.begin(), parsed.rows.end(), [](const Row& a, const Row& b) {
      return a.id.value_or(INT64_MIN) < b.id.value_or(INT64_MIN);
    });
    for (auto& row : parsed.rows) {
      if (!row.id)
        ++report.without_id;
      else if (!seen.insert(*row.id).second)
        ++report.duplicates;
      else
        out.push_back(std::move(row));
    }
  }
  return out;
}

// For a table whose rows have no id (a snapshot table): the rows of the newest readable raw
// file, which holds the whole table, and `report.files` narrowed to it. nullopt otherwise.
std::optional<std::vector<Row>> newest_snapshot(io::Env& env, RecoverReport& report) {
  for (auto it = report.files.rbegin(); it != report.files.rend(); ++it) {
    ParsedRows parsed = parse_rows(env.read_file(*it));
    if (!parsed.ok() || parsed.rows.empty()) continue;
    if (!is_snapshot(parsed.rows)) return std::nullopt;
    report.files = {*it};
    report.snapshot = true;
    return std::move(parsed.rows);
  }
  return std::nullopt;
}

// Writes rows in parts, a new part at each key-set change. Returns the paths.
std::vector<std::string> write_parts(const RecoverOptions& o, const std::vector<Row>& rows) {
  std::vector<std::string> paths;
  const std::string date = file_date(o.now);
  std::vector<std::string> header;
  std::string text;
  auto flush = [&] {
    if (text.empty()) return;
    std::string path =
        o.out_dir + "/" + recovered_csv_name(o.table, date, static_cast<int>(paths.size()) + 1);
    io::write_file_atomic(path, text, *o.env);
    paths.push_back(path);
    text.clear();
  };
  for (const auto& row : rows) {
    auto keys = row.sorted_keys();
    if (text.empty() || keys != header) {
      flush();
      header = std::move(keys);
      io::append_csv_row(text, header);
    }
    io::append_csv_row(text, csv_fields(row, header));
  }
  flush();
  return paths;
}

std::string readme_text(const RecoverOptions& o, const RecoverReport& r) {
  std::string t = "Recovery of " + o.table + " from its raw backups\n";
  t += "time: " + format_iso8601(o.now) + "\n";
  t += "raw folder: " + o.raw_dir + "\n";
  t += "raw files read: " + std::to_string(r.files.size()) + "\n";
  t += "first file: " + std::filesystem::path(r.files.front()).filename().string() + "\n";
  t += "last file: " + std::filesystem::path(r.files.back()).filename().string() + "\n";
  t += "rows recovered: " + std::to_string(r.rows) + "\n";
  t += "duplicates skipped: " + std::to_string(r.duplicates) +
       " (an id already taken from an earlier file; the first entry is kept)\n";
  t += "rows without an id skipped: " + std::to_string(r.without_id) + "\n";
  t += "decryption failures: " + std::to_string(r.decrypt_failures) +
       " (those cells keep their ciphertext)\n";
  if (r.snapshot)
    t += "table without ids: the newest raw file holds the whole table; only it was read\n";
  t += "unreadable files skipped: " + std::to_string(r.unreadable.size()) + "\n";
  for (const auto& u : r.unreadable) t += "  " + u + "\n";
  t += "output:\n";
  for (const auto& p : r.outputs) t += "  " + std::filesystem::path(p).filename().string() + "\n";
  return t;
}

}  // namespace

std::vector<std::string> raw_backups(const std::string& raw_dir, const std::string& table,
                                     io::Env& env) {
  std::vector<std::pair<RawStamp, std::string>> found;
  for (const auto& name : env.list_dir(raw_dir))
    if (auto stamp = parse_raw_name(name, table)) found.emplace_back(*stamp, raw_dir + "/" + name);
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

RecoverReport recover_table(const RecoverOptions& o) {
  RecoverReport report;
  report.files = raw_backups(o.raw_dir, o.table, *o.env);
  if (report.files.empty())
    throw UsageError("no raw backups of " + o.table + " in " + o.raw_dir + " (names must be " +
                     o.table + "_Mon_DD_YYYY_HH_MM_SS.json)");
  auto snapshot = newest_snapshot(*o.env, report);
  std::vector<Row> rows = snapshot ? std::move(*snapshot) : collect_rows(*o.env, report);
  DecryptStats stats = decrypt_rows(rows, *o.key, o.padding, o.threads);
  report.decrypt_failures = stats.failed();
  for (size_t i = 0; i < stats.failures.size() && i < kLoggedCellFailures; ++i)
    spdlog::error("recover {}: row {}: {} not decrypted ({}); the ciphertext is kept", o.table,
                  stats.failures[i].row_id.value_or(-1), stats.failures[i].field,
                  stats.failures[i].error);
  report.rows = static_cast<int64_t>(rows.size());
  if (report.snapshot) {
    std::string path = o.out_dir + "/" + recovered_csv_name(o.table, file_date(o.now), 1);
    io::write_file_atomic(path, snapshot_csv(rows), *o.env);
    report.outputs = {path};
  } else {
    report.outputs = write_parts(o, rows);
  }
  report.readme = o.out_dir + "/" + recovered_readme_name(o.table, file_date(o.now));
  io::write_file_atomic(report.readme, readme_text(o, report), *o.env);
  return report;
}

}  // namespace ferry::mindtrails
