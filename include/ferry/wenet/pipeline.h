// The WeNet reports pipeline: the `[wenet]` config keys, the `wenet` state component (stored
// analytics to delete), the `wenet-report` job kind, the `wenet` task and the command
// `ferry report wenet`.
//
// A report run (report_run.h) fetches everything once, writes every requested file into
// `<output_dir>/.tmp-<name>/` and renames the folder to `<output_dir>/<name>/`
// (`<app_id>_<from>_<to>`) only when all files are complete; a failure leaves an earlier folder
// of that name untouched. A `wenet-report` job (whole days, both included) is one unit: the run,
// then, when wenet.s3 is set, every file of the folder uploaded under
// `<s3_prefix><name>/<file>` and recorded in job_outputs. The `wenet` task, under cron, queues a
// `wenet-report` job of wenet.daily_range once a day at wenet.daily_at (with wenet.daily);
// given arguments (`ferry report wenet ...`), it runs one report at once instead.
#pragma once

#include <memory>

#include "ferry/core/pipeline.h"

namespace ferry::wenet {

constexpr const char* kReportKind = "wenet-report";
constexpr const char* kTaskName = "wenet";

std::unique_ptr<core::Pipeline> make_pipeline();

}  // namespace ferry::wenet
