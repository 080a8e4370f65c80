// cake-daily: queues yesterday's clicks and conversions jobs once a day (see pipeline.h).
#include <spdlog/spdlog.h>

#include <ctime>

#include "ferry/cake/pipeline.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"

namespace ferry::cake {
namespace {

constexpr const char* kMarkSource = "cake";
constexpr const char* kMarkStream = "daily";

struct LocalClock {
  Date today;
  int minutes = 0;  // after local midnight
};

LocalClock local_clock(TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return {Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, tm.tm_hour * 60 + tm.tm_min};
}

class DailyTask : public core::ScheduledTask {
 public:
  DailyTask(core::Services& services, CakeSettings settings)
      : services_(services), settings_(std::move(settings)) {}

  bool due(std::optional<TimePoint>) override {
    if (!settings_.daily) return false;
    if (!parse_time_of_day(settings_.daily_at)) return true;  // step() reports the bad value
    auto next = next_day();
    return next && *next <= latest();
  }

  core::StepResult step() override {
    if (!parse_time_of_day(settings_.daily_at))
      return core::StepResult::failed(
          Failure::permanent("cake: [cake] daily_at '" + settings_.daily_at + "' is not HH:MM"));
    Date last = latest();
    auto next = next_day();
    if (!next || last < *next) return core::StepResult::done();
    queue_day(*next);
    return *next < last ? core::StepResult::more() : core::StepResult::done();
  }

 private:
  Date latest() const {
    LocalClock clock = local_clock(services_.now);
    return latest_daily_day(clock.today, clock.minutes, *parse_time_of_day(settings_.daily_at));
  }

  // The day after the mark; with no (readable) mark, the latest due day.
  std::optional<Date> next_day() {
    auto mark = state::MarkStore(services_.store).get(kMarkSource, kMarkStream);
    if (!mark) return latest();
    auto day = parse_date(*mark);
    if (!day) {
      spdlog::warn("cake-daily: mark '{}' is not a date; queueing the latest day only", *mark);
      return latest();
    }
    return add_days(*day, 1);
  }

  // Queues both jobs for `day` and moves the mark, in one transaction.
  void queue_day(const Date& day) {
    std::string d = format_date(day);
    int64_t clicks = 0, conversions = 0;
    services_.store.transaction([&] {
      state::JobStore jobs(services_.store);
      const TimePoint at = services_.wall.now();
      clicks = jobs.enqueue(kClicksKind, d, d, "{}", at);
      conversions = jobs.enqueue(kConversionsKind, d, d, "{}", at);
      state::MarkStore(services_.store).set(kMarkSource, kMarkStream, d, at);
    });
    spdlog::info("cake-daily: queued jobs {} ({}) and {} ({}) for {}", clicks, kClicksKind,
                 conversions, kConversionsKind, d);
  }

  core::Services& services_;
  CakeSettings settings_;
};

}  // namespace

Date latest_daily_day(const Date& today, int minutes, int daily_at_minutes) {
  return add_days(today, minutes >= daily_at_minutes ? -1 : -2);
}

std::unique_ptr<core::ScheduledTask> make_daily_task(core::Services& services,
                                                     CakeSettings settings) {
  return std::make_unique<DailyTask>(services, std::move(settings));
}

}  // namespace ferry::cake
