// matomo (task): queues one matomo-import job per site for yesterday once a day (see
// pipeline.h).
#include <spdlog/spdlog.h>

#include "ferry/base/zone.h"
#include "ferry/matomo/pipeline.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"

namespace ferry::matomo {
namespace {

constexpr const char* kMarkSource = "matomo";
constexpr const char* kMarkStream = "daily";

int minutes_of(const std::string& hh_mm) {
  return ((hh_mm[0] - '0') * 10 + (hh_mm[1] - '0')) * 60 + (hh_mm[3] - '0') * 10 + (hh_mm[4] - '0');
}

class DailyTask : public core::ScheduledTask {
 public:
  DailyTask(core::Services& services, MatomoSettings settings)
      : services_(services), settings_(std::move(settings)) {}

  bool due(std::optional<TimePoint>) override {
    if (!settings_.enabled || !settings_.daily || settings_.sites.empty()) return false;
    if (!check_settings(settings_)) return true;  // step() reports it
    return next_day() <= latest();
  }

  core::StepResult step() override {
    if (auto st = check_settings(settings_); !st) return core::StepResult::failed(st.failure());
    const Date last = latest();
    const Date next = next_day();
    if (last < next) return core::StepResult::done();
    queue_day(next);
    return next < last ? core::StepResult::more() : core::StepResult::done();
  }

 private:
  Date latest() const {
    LocalTime t = TimeZone::find(settings_.timezone)->local_time(services_.now);
    return latest_daily_day(t.date, t.seconds / 60, minutes_of(settings_.daily_at));
  }

  // The day after the mark; with no (readable) mark, the latest due day.
  Date next_day() {
    auto mark = state::MarkStore(services_.store).get(kMarkSource, kMarkStream);
    if (!mark) return latest();
    auto day = parse_date(*mark);
    if (!day) {
      spdlog::warn("matomo: daily mark '{}' is not a date; queueing the latest day only", *mark);
      return latest();
    }
    return add_days(*day, 1);
  }

  // Queues one job per site for `day` and moves the mark, in one transaction.
  void queue_day(const Date& day) {
    const std::string d = format_date(day);
    std::string ids;
    services_.store.transaction([&] {
      state::JobStore jobs(services_.store);
      const TimePoint at = services_.wall.now();
      for (const auto& site : settings_.sites) {
        int64_t id = jobs.enqueue(kImportKind, d, d, job_params(site.name), at);
        ids += (ids.empty() ? "" : ", ") + std::to_string(id) + " (" + site.name + ")";
      }
      state::MarkStore(services_.store).set(kMarkSource, kMarkStream, d, at);
    });
    spdlog::info("matomo: queued {} jobs {} for {}", kImportKind, ids, d);
  }

  core::Services& services_;
  MatomoSettings settings_;
};

}  // namespace

Date latest_daily_day(const Date& today, int minutes, int daily_at_minutes) {
  return add_days(today, minutes >= daily_at_minutes ? -1 : -2);
}

std::unique_ptr<core::ScheduledTask> make_daily_task(core::Services& services,
                                                     MatomoSettings settings) {
  return std::make_unique<DailyTask>(services, std::move(settings));
}

}  // namespace ferry::matomo
