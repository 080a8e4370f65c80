// The apps-usage report and its dump files.
#include <algorithm>
#include <ostream>
#include <stdexcept>
#include <unordered_set>

#include "ferry/base/error.h"
#include "ferry/base/text.h"
#include "ferry/io/files.h"
#include "ferry/wenet/apps_usage.h"
#include "ferry/wenet/dates.h"
#include "wenet/report_cells.h"

namespace ferry::wenet {

namespace {

size_t column_of(const std::vector<std::string>& header, std::string_view name,
                 const std::string& source) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw UsageError(source + ": no column '" + std::string(name) + "' in the header row");
}

}  // namespace

std::vector<DumpRow> parse_dump(std::string_view text, TableFormat f, std::string_view date_column,
                                const TimeZone& zone, const std::string& source,
                                std::vector<std::string>& warnings) {
  std::vector<std::vector<std::string>> rows;
  try {
    rows = parse_table(text, f);
  } catch (const std::runtime_error& e) {
    throw UsageError(source + ": " + e.what());
  }
  if (rows.empty()) throw UsageError(source + ": no header row");
  size_t id_col = column_of(rows[0], "wenet_id", source);
  size_t date_col = column_of(rows[0], date_column, source);
  std::vector<DumpRow> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    std::string where = source + " row " + std::to_string(r + 1);
    DumpRow d;
    if (id_col < row.size()) d.wenet_id = trim(row[id_col]);
    if (date_col < row.size()) d.date_text = row[date_col];
    if (d.wenet_id.empty()) {
      warnings.push_back(where + ": no wenet_id, row skipped");
      continue;
    }
    d.date = parse_dump_date(d.date_text, zone);
    if (!d.date)
      warnings.push_back(where + ": date '" + d.date_text + "' not understood, never in a window");
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<DumpRow> read_dump_file(const std::string& path, std::string_view date_column,
                                    const TimeZone& zone, std::vector<std::string>& warnings) {
  auto f = table_format_for(path);
  if (!f) throw UsageError(path + ": a dump file must end in .csv or .tsv");
  std::string text;
  try {
    text = io::read_file(path);
  } catch (const std::exception& e) {
    throw UsageError("cannot read dump file " + path + ": " + e.what());
  }
  return parse_dump(text, *f, date_column, zone, path, warnings);
}

namespace {

bool in_window(const DumpRow& row, const AppsUsageInput& in) {
  if (!in.from && !in.to) return true;
  if (!row.date) return false;
  return (!in.from || *in.from <= *row.date) && (!in.to || *row.date <= *in.to);
}

const std::set<std::string>& all_of(const AppsUsageInput& in, const std::string& app) {
  static const std::set<std::string> kNone;
  auto it = in.all_users.find(app);
  return it == in.all_users.end() ? kNone : it->second;
}

std::string chatbot_cell(const AppsUsageInput& in, const std::string& user,
                         std::set<std::string>& unnamed) {
  std::string cell;
  for (const auto& app : in.app_ids) {
    if (all_of(in, app).count(user) == 0) continue;
    auto name = in.app_names.find(app);
    bool named = name != in.app_names.end() && !name->second.empty();
    if (!named) unnamed.insert(app);
    if (!cell.empty()) cell += ';';
    cell += named ? name->second : app;
  }
  return cell;
}

}  // namespace

std::vector<std::string> apps_usage_users(const AppsUsageInput& in) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  auto add = [&](const std::string& user) {
    if (seen.insert(user).second) out.push_back(user);
  };
  std::vector<std::string> apps = in.app_ids;
  apps.push_back(in.ilog_id);
  apps.push_back(in.survey_id);
  for (const auto& app : apps) {
    auto it = in.window_users.find(app);
    if (it == in.window_users.end()) continue;
    for (const auto& user : it->second) add(user);
  }
  for (const auto* dump : {&in.updates, &in.failures})
    for (const auto& row : *dump)
      if (in_window(row, in)) add(row.wenet_id);
  return out;
}

void write_apps_usage(std::ostream& out, TableFormat f, const ReportHeader& h,
                      const AppsUsageInput& in,
                      const std::map<std::string, nlohmann::json>& profiles,
                      std::vector<std::string>& warnings) {
  std::unordered_set<std::string> dumped;
  for (const auto* dump : {&in.updates, &in.failures})
    for (const auto& row : *dump) dumped.insert(row.wenet_id);
  const auto& survey = all_of(in, in.survey_id);
  const auto& ilog = all_of(in, in.ilog_id);
  std::set<std::string> unnamed;
  std::vector<std::vector<std::string>> rows;
  for (const auto& user : apps_usage_users(in)) {
    auto p = profiles.find(user);
    std::string email = p == profiles.end() ? "" : string_member(p->second, "email");
    if (email.empty()) warnings.push_back("user " + user + ": no e-mail in the profile");
    bool completed = dumped.count(user) > 0;
    rows.push_back({email, survey.count(user) || completed ? "yes" : "no", completed ? "yes" : "no",
                    chatbot_cell(in, user, unnamed), ilog.count(user) ? "yes" : "no"});
  }
  for (const auto& app : unnamed)
    warnings.push_back("app " + app + ": no name in the app details, its id printed instead");
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a[3] > b[3]; });
  TableWriter t(out, f);
  write_header_rows(t, h, false);
  t.row({"total users", std::to_string(rows.size())});
  t.empty_row();
  t.row({"email", "registered to survey", "completed survey", "chatbot", "ilog"});
  for (const auto& row : rows) t.row(row);
}

}  // namespace ferry::wenet
