// The CAKE export pipeline: job kinds `cake-clicks` and `cake-conversions` (queued over whole
// days, both dates included), the optional `cake-daily` task, and the `[cake]` config keys.
//
// cake-clicks: one unit per hour of the range. The hour is read through a RangeReader into
// `ClickReport_DDMMYYYY_HHMM_HHMM.csv` (43 columns) written with io::AtomicFile in
// cake.output_dir, uploaded to `cake.s3_prefix + name` in the S3 target cake.s3, and recorded as
// a job output (size, sha256, rows, presigned link) in the same commit_unit that moves the
// checkpoint to the next hour (`2016-01-10T05:00:00Z`). Then the local copy is kept or removed
// (cake.keep_local). A crash before the commit redoes the hour; the object is overwritten with
// the same bytes.
//
// cake-conversions: one unit per completed window. Rows are appended to a partial file
// (`output_dir/.partial/job-ID-report_DDMMYYYY_DDMMYYYY.csv`, header first) that is fsynced
// before each commit_unit records the window's end, the file's size and the rows so far as the
// checkpoint (JSON, see checkpoint.h). A run that resumes cuts the partial file back to the
// recorded size first, so rows written after the last checkpoint are never kept twice. After
// the last window one more unit uploads the file as `report_DDMMYYYY_DDMMYYYY.csv` (50
// columns), records the output, and then renames the partial file to output_dir/NAME (or
// removes it when keep_local is false).
//
// Failures are StepResult values: transient ones (CAKE unreachable after the HTTP retries,
// 429/5xx, unreadable replies, S3 hiccups) let the runner try again from the checkpoint;
// permanent ones (401/403, bad config, replies of the wrong shape) fail the job; the runner
// raises the one alert. Finished hours stay recorded either way.
#pragma once

#include <memory>

#include "ferry/base/clock.h"
#include "ferry/cake/settings.h"
#include "ferry/core/pipeline.h"
#include "ferry/io/env.h"
#include "ferry/state/jobs.h"

namespace ferry::cake {

inline constexpr const char* kClicksKind = "cake-clicks";
inline constexpr const char* kConversionsKind = "cake-conversions";
inline constexpr const char* kDailyTask = "cake-daily";

// The CAKE pipeline module: `[cake]`, its checks, the `cake` state component, the two job
// kinds and the daily task.
std::unique_ptr<core::Pipeline> make_pipeline();

// The handlers and the task, given settings as read_settings() returns them (they are checked
// on the first step). `timer` times CAKE calls for the window planner; null: the real clock.
// `services` (and `timer`) must outlive the handler.
std::unique_ptr<core::JobHandler> make_clicks_job(core::Services& services, CakeSettings settings,
                                                  const Timer* timer = nullptr);
std::unique_ptr<core::JobHandler> make_conversions_job(core::Services& services,
                                                       CakeSettings settings,
                                                       const Timer* timer = nullptr);

// Where a cake-conversions job builds its file: <output_dir>/.partial/job-<id>-<name>.
std::string conversions_partial_path(const CakeSettings& settings, const state::Job& job);
// The cake-conversions on_cancel hook: removes the job's partial file, if any.
void remove_conversions_partial(const CakeSettings& settings, io::Env& env, const state::Job& job);

// cake-daily: when cake.daily is true, once a day at cake.daily_at (local time of the run's
// clock) queues a cake-clicks and a cake-conversions job for the day before. Missed days are
// caught up oldest first, one day per unit; the last day queued is kept as the mark
// (source "cake", stream "daily") and moves in the transaction that queues its jobs, so no day
// is queued twice. With no mark yet, only the latest due day is queued.
std::unique_ptr<core::ScheduledTask> make_daily_task(core::Services& services,
                                                     CakeSettings settings);

// The latest day whose daily jobs are due at the local date `today` and time of day `minutes`
// (after midnight): yesterday once `minutes` reached `daily_at_minutes`, else the day before.
Date latest_daily_day(const Date& today, int minutes, int daily_at_minutes);

}  // namespace ferry::cake
