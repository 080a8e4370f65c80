// The `wenet` task: the daily queueing of a wenet-report job, or one report at once when a
// command gives arguments (see parts.h).
#include <spdlog/spdlog.h>

#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "ferry/wenet/pipeline.h"
#include "ferry/wenet/report_run.h"
#include "wenet/parts.h"

namespace ferry::wenet {
namespace {

constexpr const char* kMarkSource = "wenet";
constexpr const char* kMarkStream = "daily";

class DailyTask : public core::ScheduledTask {
 public:
  DailyTask(core::Services& services, WenetSettings settings)
      : services_(services), settings_(std::move(settings)) {}

  bool due(std::optional<TimePoint>) override {
    if (!settings_.daily) return false;
    if (Status st = check_settings(settings_); !st) return true;  // step() reports it
    auto next = next_day();
    return next <= latest();
  }

  core::StepResult step() override {
    if (Status st = check_settings(settings_); !st) return core::StepResult::failed(st.failure());
    Date last = latest();
    Date next = next_day();
    if (last < next) return core::StepResult::done();
    queue_day(next);
    return next < last ? core::StepResult::more() : core::StepResult::done();
  }

 private:
  // The last day whose daily_at has come, in wenet.timezone.
  Date latest() const {
    TimeZone zone = TimeZone::load(settings_.timezone);
    LocalTime t = zone.local_time(services_.now);
    int at = *parse_time_of_day(settings_.daily_at);
    return t.seconds / 60 >= at ? t.date : add_days(t.date, -1);
  }

  // The day after the mark; with no (readable) mark, the latest due day.
  Date next_day() const {
    auto mark = state::MarkStore(services_.store).get(kMarkSource, kMarkStream);
    if (!mark) return latest();
    auto day = parse_date(*mark);
    if (!day) {
      spdlog::warn("wenet: daily mark '{}' is not a date; queueing the latest day only", *mark);
      return latest();
    }
    return add_days(*day, 1);
  }

  void queue_day(const Date& day) {
    DailyJob job = daily_job(settings_, day);
    int64_t id = 0;
    services_.store.transaction([&] {
      const TimePoint at = services_.wall.now();
      id = state::JobStore(services_.store).enqueue(kReportKind, job.from, job.to, job.params, at);
      state::MarkStore(services_.store).set(kMarkSource, kMarkStream, format_date(day), at);
    });
    spdlog::info("wenet: daily report of {}: queued job {} ({} {}..{}{})", format_date(day), id,
                 kReportKind, job.from, job.to, job.params == "{}" ? "" : " " + job.params);
  }

  core::Services& services_;
  WenetSettings settings_;
};

// `ferry report wenet`: one report at once.
class ReportNowTask : public core::ScheduledTask {
 public:
  ReportNowTask(core::Services& services, WenetSettings settings, ReportRequest request,
                RunTools tools)
      : services_(services),
        settings_(std::move(settings)),
        request_(std::move(request)),
        tools_(std::move(tools)) {}

  bool due(std::optional<TimePoint>) override { return false; }  // only when asked

  core::StepResult step() override {
    if (Status st = check_settings(settings_); !st) return core::StepResult::failed(st.failure());
    auto outcome = run_report(services_, settings_, request_, tools_);
    if (!outcome) return core::StepResult::failed(outcome.failure());
    return core::StepResult::done();
  }

 private:
  core::Services& services_;
  WenetSettings settings_;
  ReportRequest request_;
  RunTools tools_;
};

}  // namespace

DailyJob daily_job(const WenetSettings& settings, const Date& day) {
  TimeZone zone = TimeZone::load(settings.timezone);
  auto at = parse_time_of_day(settings.daily_at);
  if (!at) throw UsageError("[wenet] daily_at '" + settings.daily_at + "' is not HH:MM");
  Window w = window_from_range(settings.daily_range, zone.local_instant(day, *at), zone);
  DailyJob job;
  // The window ends at a local midnight: its last day is the one before.
  job.to = format_date(add_days(zone.local_date(w.to), -1));
  job.from = w.from ? format_date(zone.local_date(*w.from)) : job.to;
  job.params = w.from ? "{}" : R"({"range":"ALL"})";
  return job;
}

std::unique_ptr<core::ScheduledTask> make_wenet_task(core::Services& services,
                                                     WenetSettings settings,
                                                     const core::TaskArgs& args, RunTools tools) {
  if (args.empty()) return std::make_unique<DailyTask>(services, std::move(settings));
  return std::make_unique<ReportNowTask>(services, std::move(settings),
                                         from_args(args, services.now), std::move(tools));
}

}  // namespace ferry::wenet
