// The pipeline's job kind, task and command, as pipeline.cpp registers them. Internal to
// src/wenet/.
#pragma once

#include <memory>

#include "ferry/core/pipeline.h"
#include "ferry/wenet/report_run.h"
#include "ferry/wenet/request.h"
#include "ferry/wenet/settings.h"

namespace ferry::wenet {

// `wenet-report`: one unit. The window is [local midnight of from_date, local midnight after
// to_date) in wenet.timezone, or ALL up to that end when the job's params are
// {"range":"ALL"}; the five main reports; then, with wenet.s3, each file uploaded to
// `<s3_prefix><folder>/<file>`. Every file is recorded in job_outputs (path, size, sha256,
// rows; the S3 location and a link when uploaded). Profiles are fetched with `tools` (see
// run_report).
std::unique_ptr<core::JobHandler> make_report_job(core::Services& services, WenetSettings settings,
                                                  RunTools tools);

// `wenet` with no arguments (cron): with wenet.daily, once a day at daily_at (wenet.timezone)
// queues a wenet-report job of daily_range evaluated at that moment; missed days are caught up
// oldest first; the last day queued is marks(source 'wenet', stream 'daily'), moved in the
// transaction that queues the job. With arguments (`ferry report wenet`, see request.h
// to_args): one report run at once. Throws UsageError for an argument it does not know.
std::unique_ptr<core::ScheduledTask> make_wenet_task(core::Services& services,
                                                     WenetSettings settings,
                                                     const core::TaskArgs& args, RunTools tools);

// The dates and params of the wenet-report job the daily task queues for the day `day`:
// daily_range evaluated at daily_at on that day. Throws UsageError for a bad range.
struct DailyJob {
  std::string from, to;  // yyyy-mm-dd, both included
  std::string params;    // "{}" or {"range":"ALL"}
};
DailyJob daily_job(const WenetSettings& settings, const Date& day);

// `ferry report wenet [REPORT...] [--range R | --from T --to T] [--out DIR] [--apps "A;B"
// --updates FILE --failures FILE]`.
void add_wenet_commands(CLI::App& app, core::Context& ctx, int& exit_code);

}  // namespace ferry::wenet
