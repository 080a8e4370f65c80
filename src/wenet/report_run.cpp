#include "wenet/report_steps.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "ferry/base/zone.h"
#include "ferry/config/config.h"
#include "ferry/io/env.h"
#include "ferry/net/retry.h"
#include "ferry/wenet/folder.h"

namespace ferry::wenet {
namespace {

constexpr size_t kWarningsLogged = 20;  // per run; the rest are counted

bool wants(const ReportRequest& r, Report x) {
  return std::find(r.reports.begin(), r.reports.end(), x) != r.reports.end();
}

// `2021-07-24` at a local midnight, else `2021-07-24T13-05-00`.
std::string name_part(TimePoint t, const TimeZone& zone) {
  LocalTime lt = zone.local_time(t);
  std::string out = format_date(lt.date);
  if (zone.local_midnight(lt.date) == t) return out;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d-%02d-%02d", lt.seconds / 3600, lt.seconds / 60 % 60,
                lt.seconds % 60);
  return out + buf;
}

ClientOptions client_options(const WenetSettings& s, const TimeZone& zone) {
  ClientOptions o;
  o.instance = s.instance;
  o.apikey = s.apikey;
  o.connect_timeout = s.connect_timeout;
  o.timeout = s.timeout;
  o.parallel = s.parallel;
  o.analytic_timeout = s.analytic_timeout;
  o.zone = zone;
  return o;
}

// The order reports are made in: messages before users (the users report's activity comes
// from the messages stream).
constexpr Report kOrder[] = {Report::kAnalytics, Report::kQuestions, Report::kTasks,
                             Report::kMessages,  Report::kUsers,     Report::kIdEmail,
                             Report::kAppsUsage};

}  // namespace

ReportRun::ReportRun(core::Services& services, const WenetSettings& settings,
                     const ReportRequest& request, RunTools tools)
    : services_(services),
      settings_(settings),
      request_(request),
      zone_(TimeZone::load(settings.timezone)),
      window_(request_window(request, zone_)),
      client_(services.http, client_options(settings, zone_),
              tools.timer ? *tools.timer : real_timer_, std::move(tools.workers)),
      store_(services.store) {}

Result<ReportOutcome> ReportRun::run() {
  check_request(request_);
  read_dumps();  // a dump that cannot be read stops the run before any call
  delete_leftovers();
  const std::string out_dir = request_.out_dir.empty() ? settings_.output_dir : request_.out_dir;
  outcome_.name = folder_name(settings_.app_id, window_, zone_);
  ReportFolder folder(services_.env, out_dir, outcome_.name);
  for (Report r : kOrder) {
    if (!wants(request_, r)) continue;
    if (Status st = write(folder, r); !st) {
      spdlog::info("wenet: report {} not written (an earlier folder of that name stays as it was)",
                   outcome_.name);
      return st.failure();
    }
  }
  outcome_.folder = folder.commit();
  outcome_.files = folder.files();
  warn(warnings_);
  spdlog::info("wenet: report {} written: {}", outcome_.folder, [&] {
    std::string files;
    for (const auto& f : outcome_.files)
      files += (files.empty() ? "" : ", ") + f + " (" + std::to_string(outcome_.rows[f]) + ")";
    return files;
  }());
  return outcome_;
}

void ReportRun::read_dumps() {
  if (!wants(request_, Report::kAppsUsage)) return;
  updates_ = read_dump_file(request_.updates, kUpdatesDateColumn, zone_, warnings_);
  if (!request_.failures.empty())
    failures_ = read_dump_file(request_.failures, kFailuresDateColumn, zone_, warnings_);
}

void ReportRun::delete_leftovers() {
  for (const auto& a : store_.analytics(settings_.instance)) {
    Status st = client_.delete_analytic(a.id);
    if (st) {
      store_.remove_analytic(a.id);
      spdlog::info("wenet: deleted analytic {} left on the logger by run {} ({})", a.id, a.run,
                   a.created);
    } else {
      spdlog::warn("wenet: analytic {} left by run {} is still stored: {}", a.id, a.run,
                   st.failure().message);
    }
  }
}

Status ReportRun::write(ReportFolder& folder, Report r) {
  const std::string file = report_file(r, settings_.format);
  if (r == Report::kMessages) {
    std::ostream& out = folder.open(file);
    if (Status st = messages(&out, &outcome_.rows[file]); !st) return st;
    folder.close(file);
    return Status::ok();
  }
  if (r == Report::kUsers && !streamed_) {
    if (Status st = messages(nullptr, nullptr); !st) return st;
  }
  std::ostream& out = folder.open(file);
  if (Status st = write_report(out, r, &outcome_.rows[file]); !st) return st;
  folder.close(file);
  return Status::ok();
}

Status ReportRun::write_report(std::ostream& out, Report r, int64_t* rows) {
  switch (r) {
    case Report::kAnalytics:
      return analytics(out, rows);
    case Report::kQuestions:
      return questions(out, rows);
    case Report::kTasks:
      return tasks(out, rows);
    case Report::kMessages:
      return messages(&out, rows);
    case Report::kUsers:
      return users(out, rows);
    case Report::kIdEmail:
      return id_email(out, rows);
    case Report::kAppsUsage:
      return apps_usage(out, rows);
  }
  return Status::ok();
}

void ReportRun::warn(std::vector<std::string>& warnings) {
  for (size_t i = 0; i < warnings.size() && i < kWarningsLogged; ++i)
    spdlog::warn("wenet: {}", warnings[i]);
  if (warnings.size() > kWarningsLogged)
    spdlog::warn("wenet: ... and {} more warnings like these", warnings.size() - kWarningsLogged);
  outcome_.warnings.insert(outcome_.warnings.end(), warnings.begin(), warnings.end());
  warnings.clear();
}

ReportHeader ReportRun::header() const {
  ReportHeader h;
  h.app_id = settings_.app_id;
  h.has_window = window_.has_value();
  if (window_) {
    h.from = window_->from ? file_time(*window_->from, zone_) : "";
    h.to = file_time(window_->to, zone_);
  }
  return h;
}

TableFormat ReportRun::format() const {
  return settings_.format == "tsv" ? TableFormat::kTsv : TableFormat::kCsv;
}

std::optional<Window> request_window(const ReportRequest& r, const TimeZone& zone) {
  if (!r.from.empty() || !r.to.empty()) {
    if (r.from.empty() || r.to.empty())
      throw UsageError("report wenet: --from and --to go together (give both, or --range)");
    return window_from_bounds(r.from, r.to, zone);
  }
  if (!r.range.empty()) return window_from_range(r.range, r.now, zone);
  for (Report x : r.reports)
    if (x != Report::kIdEmail && x != Report::kAppsUsage)
      throw UsageError(std::string("report wenet: ") + report_name(x) +
                       " needs a window: --range R, or --from T --to T");
  return std::nullopt;
}

std::string folder_name(const std::string& app_id, const std::optional<Window>& w,
                        const TimeZone& zone) {
  if (!w) return app_id + "_ALL_NOW";
  return app_id + "_" + (w->from ? name_part(*w->from, zone) : "ALL") + "_" +
         name_part(w->to, zone);
}

RunTools run_tools(core::Services& services) {
  const auto& h = services.config.table("http");
  net::RetryPolicy policy;
  policy.max_attempts = static_cast<int>(h.integer("max_attempts"));
  policy.max_delay = h.duration("max_backoff");
  policy.retry_after_cap = h.duration("retry_after_cap");
  static RealTimer timer;  // stateless; shared by the workers
  const Budget* budget = &services.budget;
  const Clock* wall = &services.wall;
  RunTools tools;
  tools.workers = [policy, budget, wall] {
    return make_worker_http(
        policy, timer, *wall,
        [budget]() -> std::optional<std::chrono::milliseconds> { return budget->remaining(); });
  };
  return tools;
}

Result<ReportOutcome> run_report(core::Services& services, const WenetSettings& settings,
                                 const ReportRequest& request, RunTools tools) {
  try {
    return ReportRun(services, settings, request, std::move(tools)).run();
  } catch (const UsageError& e) {
    return Failure::permanent(std::string("wenet: ") + e.what());
  } catch (const OperationError& e) {
    if (services.store.error_of(e)) throw;  // the state's own trouble: the runner's to report
    return Failure{e.kind(), std::string("wenet: ") + e.what()};
  } catch (const nlohmann::json::exception& e) {
    return Failure::permanent(std::string("wenet: unexpected data: ") + e.what());
  }
}

}  // namespace ferry::wenet
