// One WeNet report run: everything fetched once, every requested file written into a temp
// folder, the folder renamed to `<output_dir>/<app_id>_<from>_<to>/` only when all are complete.
//
// Calls, in order: the analytics a previous run left on the logger are deleted (wenet_analytics);
// then, as the requested reports need them: the analytics (each recorded in wenet_analytics
// from creation until its delete succeeded), the window's tasks and transactions, the messages
// (streamed once: they feed messages.json and the users report's first/last activity), the hub
// user lists (once per app and filter), the cohorts, the app details and the profiles (once per
// user, wenet.parallel at a time). A failed call fails the run; the folder of an earlier run of
// the same name is left as it was.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/base/zone.h"
#include "ferry/core/registry.h"
#include "ferry/wenet/client.h"
#include "ferry/wenet/request.h"
#include "ferry/wenet/settings.h"
#include "ferry/wenet/window.h"

namespace ferry::wenet {

struct ReportOutcome {
  std::string name;                     // the folder's name: <app_id>_<from>_<to>
  std::string folder;                   // its path
  std::vector<std::string> files;       // the files in it, in report order
  std::map<std::string, int64_t> rows;  // data rows (array items for JSON) per file
  std::vector<std::string> warnings;    // missing fields and the like, also logged
};

// The window `request` asks for: --from/--to (both) win over --range; nullopt when neither is
// given, which only id-email and apps-usage accept. Throws UsageError (a bad value, no window
// for a main report).
std::optional<Window> request_window(const ReportRequest& request, const TimeZone& zone);

// `<app_id>_<from>_<to>`: each bound as the local date `2021-07-24` when it is a local midnight,
// else `2021-07-24T13-05-00`; `ALL` for no start; `ALL_NOW` for no window at all.
std::string folder_name(const std::string& app_id, const std::optional<Window>& window,
                        const TimeZone& zone);

// What a run uses besides the services: the HTTP clients of the profile workers (empty: one
// profile at a time on services.http) and the timer of the analytic polls (null: the real one;
// it must outlive the run).
struct RunTools {
  HttpFactory workers;
  Timer* timer = nullptr;
};

// The production tools: libcurl workers with the [http] retries, each call cut to what the
// run's budget has left; the real timer.
RunTools run_tools(core::Services& services);

// Runs the report of `request` with `settings` (which check_settings() accepted) and the
// services' HTTP client, state and file system; profiles are fetched `settings.parallel` at a
// time on `tools.workers`. `request.out_dir` empty means settings.output_dir. Returns the
// finished folder, or the failure that kept it from being written (transient for calls that
// may pass: 5xx, timeouts; permanent otherwise).
Result<ReportOutcome> run_report(core::Services& services, const WenetSettings& settings,
                                 const ReportRequest& request, RunTools tools);

}  // namespace ferry::wenet
