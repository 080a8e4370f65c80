// The Matomo log import pipeline: `[matomo]` and `[[matomo.site]]`, the `matomo` state
// component, the `matomo-import` job kind, the `matomo` daily task, and the commands
// `ferry import matomo` and `ferry stats matomo`.
//
// matomo-import (params {"site": NAME}, a range of days, one job per site): for each day, in
// order, it lists the pull target under the site's prefix and records the objects of that upload
// day (selection.h) that are not yet known by key and ETag (one unit); then imports them one
// object per unit, in key order: downloaded into work_dir/SITE/DAY/, read, parsed and sent by a
// Sender whose every confirmed wave is committed (confirmed line, counts, hits in flight); an
// object already imported is never sent again, and one interrupted resumes after its confirmed
// line (the hits that were in flight are counted as maybe sent twice). After the day's last
// object one unit writes the archive ZIP, uploads it to the push target and removes the local
// copies (a failed upload: the job waits for the next run, the imports stay; after
// run.job_attempts failures in a row an alert), runs archive_command when the day imported hits
// (a failure is an alert), and moves the job's checkpoint to the next day.
//
// matomo (task): with matomo.daily, at daily_at in matomo.timezone, queues one matomo-import job
// per site for the day before; days missed since the last pass are queued too, oldest first.
#pragma once

#include <memory>

#include "ferry/core/pipeline.h"
#include "ferry/matomo/settings.h"

namespace ferry::matomo {

inline constexpr const char* kImportKind = "matomo-import";
inline constexpr const char* kDailyTask = "matomo";

std::unique_ptr<core::Pipeline> make_pipeline();

// The job handler; `settings` as read_settings() gives them (checked on the first step).
// `services` must outlive it.
std::unique_ptr<core::JobHandler> make_import_job(core::Services& services,
                                                  MatomoSettings settings);

// The params of a matomo-import job for `site`: {"site":"NAME"}; and back ("" when absent).
std::string job_params(const std::string& site);
std::string site_of_params(const std::string& params);

// The params of the jobs `ferry queue matomo-import` queues: --site NAME (which must be a
// configured site), or one job per configured site without it. Throws UsageError.
std::vector<std::string> queue_params(const config::Config& config, const core::QueueValues& v);

// The daily task.
std::unique_ptr<core::ScheduledTask> make_daily_task(core::Services& services,
                                                     MatomoSettings settings);

// The last day the daily task queues at local time `minutes` after midnight of `today`: the day
// before `today` once daily_at has passed, else the day before that.
Date latest_daily_day(const Date& today, int minutes, int daily_at_minutes);

}  // namespace ferry::matomo
