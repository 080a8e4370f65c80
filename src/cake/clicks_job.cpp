// cake-clicks: one hour file per unit (see pipeline.h).
#include <spdlog/spdlog.h>

#include "cake/job_base.h"
#include "ferry/cake/file_names.h"
#include "ferry/cake/pipeline.h"
#include "ferry/cake/range_reader.h"
#include "ferry/core/units.h"
#include "ferry/io/files.h"

namespace ferry::cake {
namespace {

constexpr std::chrono::hours kHour{1};

int64_t hours_between(TimePoint a, TimePoint b) {
  return std::chrono::duration_cast<std::chrono::hours>(b - a).count();
}

// Records go straight to the hour's temp file, which becomes the hour file only on commit.
class HourFileOutput : public RecordOutput {
 public:
  explicit HourFileOutput(io::AtomicFile& file) : file_(file) {}
  void append(std::string_view records) override { file_.write(records); }
  uint64_t size() const override { return file_.bytes_written(); }
  void truncate_to(uint64_t size) override { file_.truncate_to(size); }

 private:
  io::AtomicFile& file_;
};

class ClicksJob : public CakeJobBase {
 public:
  using CakeJobBase::CakeJobBase;

  core::StepResult step(state::Job& job) override {
    return guarded([&] { return step_unguarded(job); });
  }

 private:
  core::StepResult step_unguarded(state::Job& job) {
    auto job_range_or = job_range(job);
    if (!job_range_or) return core::StepResult::failed(job_range_or.failure());
    const TimeRange range = *job_range_or;
    if (!job.checkpoint.empty()) {
      auto at = parse_iso8601(job.checkpoint);
      if (!at || *at < range.start || *at > range.end)
        return core::StepResult::failed(Failure::permanent(
            "cake: " + job_label(job) + " has an unreadable checkpoint '" + job.checkpoint + "'"));
    }
    // Unit k is the hour starting k hours after the range's start; the checkpoint is the start
    // of the first hour not done in order.
    state::UnitMap hours;
    hours.count = hours_between(range.start, range.end);
    hours.done_before = [range](const std::string& checkpoint) -> int64_t {
      auto at = parse_iso8601(checkpoint);
      return at ? hours_between(range.start, *at) : 0;
    };
    hours.checkpoint_at = [range](int64_t k) { return format_iso8601(range.start + k * kHour); };
    return core::step_free_unit(services_, job, hours, [&](int64_t unit) {
      const TimePoint hour = range.start + unit * kHour;
      if (hour + kHour > settled_until()) {
        spdlog::info("{}: hour {} is not final before {}; waiting", job_label(job),
                     format_iso8601(hour), format_iso8601(hour + kHour + settings_.settle));
        return core::StepResult::wait_until(hour + kHour + settings_.settle);
      }
      if (auto st = prepare(); !st) return core::StepResult::failed(st.failure());
      auto all_done = export_hour(job, hours, hour, unit);
      if (!all_done) return core::StepResult::failed(all_done.failure());
      return *all_done ? core::StepResult::done() : core::StepResult::more();
    });
  }

  // Reads, writes, uploads and records one hour (unit `unit` of `hours`). Whether every hour of
  // the job is now done.
  Result<bool> export_hour(const state::Job& job, const state::UnitMap& hours, TimePoint hour,
                           int64_t unit) {
    std::string name = click_file_name(hour);
    std::string path = settings_.output_dir + "/" + name;
    RangeReader reader(*client_, Report::kClicks, rules_, hour, hour + kHour,
                       policy(settings_.click_window));
    io::Env& env = services_.env;
    env.make_dirs(settings_.output_dir);
    if (!swept_) {
      // Safe: the caller holds the run lock, so no other process writes these temps.
      for (const auto& stale : io::remove_stale_temps(env, settings_.output_dir, "ClickReport_"))
        spdlog::info("cake: removed {} left by an interrupted run", stale);
      swept_ = true;
    }
    io::AtomicFile file(path, env);
    std::string header;
    append_header_row(Report::kClicks, header);
    file.write(header);
    HourFileOutput records(file);
    while (!reader.done()) {
      if (auto st = reader.read_window(records); !st) return st.failure();
    }
    file.commit();
    const auto& st = reader.stats();
    spdlog::info("{}: {}: {} rows in {} windows, {} calls ({} splits, {} pages, {} timeouts)",
                 job_label(job), name, reader.rows(), st.windows, st.calls, st.splits, st.pages,
                 st.timeouts);
    state::JobOutput output;
    if (auto st = publish(path, name, reader.rows(), settings_.keep_local ? path : "", &output);
        !st)
      return st.failure();
    bool all_done = state::JobStore(services_.store)
                        .commit_unit_of(job.id, unit, hours, {output}, services_.wall.now());
    if (!settings_.keep_local) env.remove(path);
    return all_done;
  }

  bool swept_ = false;  // stale temp files removed (once per handler)
};

}  // namespace

std::unique_ptr<core::JobHandler> make_clicks_job(core::Services& services, CakeSettings settings,
                                                  const Timer* timer) {
  return std::make_unique<ClicksJob>(services, std::move(settings), timer);
}

}  // namespace ferry::cake
