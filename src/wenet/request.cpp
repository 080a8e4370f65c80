#include "ferry/wenet/request.h"

#include <algorithm>
#include <cctype>

#include "ferry/base/error.h"

namespace ferry::wenet {
namespace {

constexpr Report kAll[] = {Report::kAnalytics, Report::kQuestions, Report::kUsers,
                           Report::kTasks,     Report::kMessages,  Report::kIdEmail,
                           Report::kAppsUsage};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool table_extension(const std::string& path) {
  std::string l = lower(path);
  auto ends = [&](const char* ext) { return l.size() > 4 && l.compare(l.size() - 4, 4, ext) == 0; };
  return ends(".csv") || ends(".tsv");
}

}  // namespace

const char* report_name(Report r) {
  switch (r) {
    case Report::kAnalytics:
      return "analytics";
    case Report::kQuestions:
      return "questions";
    case Report::kUsers:
      return "users";
    case Report::kTasks:
      return "tasks";
    case Report::kMessages:
      return "messages";
    case Report::kIdEmail:
      return "id-email";
    case Report::kAppsUsage:
      return "apps-usage";
  }
  return "?";
}

std::string report_file(Report r, const std::string& format) {
  const std::string table = "." + format;
  switch (r) {
    case Report::kAnalytics:
      return "analytics" + table;
    case Report::kQuestions:
      return "questions" + table;
    case Report::kUsers:
      return "users" + table;
    case Report::kTasks:
      return "tasks.json";
    case Report::kMessages:
      return "messages.json";
    case Report::kIdEmail:
      return "id_email" + table;
    case Report::kAppsUsage:
      return "apps_usage" + table;
  }
  return "";
}

std::vector<Report> default_reports() {
  return {Report::kAnalytics, Report::kQuestions, Report::kUsers, Report::kTasks,
          Report::kMessages};
}

std::vector<Report> parse_reports(const std::vector<std::string>& names) {
  if (names.empty()) return default_reports();
  std::vector<Report> wanted;
  for (const auto& n : names) {
    std::string l = lower(trim(n));
    std::replace(l.begin(), l.end(), '_', '-');
    auto it = std::find_if(std::begin(kAll), std::end(kAll),
                           [&](Report r) { return l == report_name(r); });
    if (it == std::end(kAll))
      throw UsageError("report wenet: unknown report '" + n +
                       "' (known: analytics, questions, users, tasks, messages, id-email, "
                       "apps-usage)");
    wanted.push_back(*it);
  }
  std::vector<Report> out;
  for (Report r : kAll)
    if (std::find(wanted.begin(), wanted.end(), r) != wanted.end()) out.push_back(r);
  return out;
}

std::vector<std::string> split_apps(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    std::string app = trim(text.substr(start, end - start));
    if (!app.empty()) out.push_back(app);
    start = end + 1;
  }
  return out;
}

void check_request(const ReportRequest& r) {
  if (r.from.empty() != r.to.empty())
    throw UsageError("report wenet: --from and --to go together (give both, or --range)");
  bool usage = std::find(r.reports.begin(), r.reports.end(), Report::kAppsUsage) != r.reports.end();
  if (usage && r.apps.empty())
    throw UsageError("report wenet: apps-usage needs --apps \"APP1;APP2\"");
  if (usage && r.updates.empty())
    throw UsageError("report wenet: apps-usage needs --updates FILE (the user-updates dump)");
  for (const auto* file : {&r.updates, &r.failures})
    if (!file->empty() && !table_extension(*file))
      throw UsageError("report wenet: '" + *file +
                       "' is neither .csv (comma-separated) nor .tsv (tab-separated)");
}

core::TaskArgs to_args(const ReportRequest& r) {
  core::TaskArgs args;
  std::string reports, apps;
  for (Report x : r.reports) reports += (reports.empty() ? "" : ",") + std::string(report_name(x));
  for (const auto& a : r.apps) apps += (apps.empty() ? "" : ";") + a;
  args["reports"] = reports;
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) args[key] = value;
  };
  put("range", r.range);
  put("from", r.from);
  put("to", r.to);
  put("out", r.out_dir);
  put("apps", apps);
  put("updates", r.updates);
  put("failures", r.failures);
  return args;
}

ReportRequest from_args(const core::TaskArgs& args, TimePoint now) {
  ReportRequest r;
  r.now = now;
  std::vector<std::string> names;
  for (const auto& [key, value] : args) {
    if (key == "reports") {
      size_t start = 0;
      while (start < value.size()) {
        size_t end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        names.push_back(value.substr(start, end - start));
        start = end + 1;
      }
    } else if (key == "range")
      r.range = value;
    else if (key == "from")
      r.from = value;
    else if (key == "to")
      r.to = value;
    else if (key == "out")
      r.out_dir = value;
    else if (key == "apps")
      r.apps = split_apps(value);
    else if (key == "updates")
      r.updates = value;
    else if (key == "failures")
      r.failures = value;
    else
      throw UsageError("wenet takes no argument '" + key + "'");
  }
  r.reports = parse_reports(names);
  return r;
}

}  // namespace ferry::wenet
