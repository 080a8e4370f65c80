// `ferry queue`, `jobs`, `job`, `cancel`, `retry`.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app_context.h"
#include "cli/job_format.h"
#include "ferry/base/error.h"
#include "ferry/state/jobs.h"

namespace ferry::cli {
namespace {

struct JobArgs {
  std::string kind, from, to;
  bool all = false, json = false;
  int64_t id = 0;
};

int queue(AppContext& ctx, const JobArgs& a) {
  if (!ctx.registry().find_job_kind(a.kind)) {
    std::string kinds;
    for (const auto& k : ctx.registry().job_kinds()) kinds += (kinds.empty() ? "" : ", ") + k.name;
    throw UsageError("queue: unknown kind '" + a.kind +
                     "'; known kinds: " + (kinds.empty() ? "(none in this build)" : kinds));
  }
  DateRange r = parse_date_range(a.from, a.to);
  ctx.config();
  ctx.start_file_logging();
  state::JobStore jobs(ctx.store());
  int64_t id = jobs.enqueue(a.kind, format_date(r.from), format_date(r.to), "{}", ctx.wall_now());
  spdlog::info("queued job {}: {} {}..{} (both days included)", id, a.kind, format_date(r.from),
               format_date(r.to));
  std::cout << id << "\n";
  return kExitOk;
}

int change(AppContext& ctx, int64_t id, bool cancel) {
  ctx.config();
  ctx.start_file_logging();
  state::JobStore jobs(ctx.store());
  std::string why;
  bool ok = cancel ? jobs.cancel(id, ctx.wall_now(), &why) : jobs.retry(id, ctx.wall_now(), &why);
  if (!ok) throw UsageError(std::string(cancel ? "cancel" : "retry") + ": " + why);
  spdlog::info("job {} {}", id,
               cancel ? "cancelled" : "queued again; it continues from its checkpoint");
  return kExitOk;
}

}  // namespace

void add_job_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto args = std::make_shared<JobArgs>();
  std::string kinds;
  for (const auto& k : ctx.registry().job_kinds())
    kinds += "  " + k.name + std::string(k.name.size() < 20 ? 20 - k.name.size() : 1, ' ') +
             k.summary + "\n";

  auto* q = app.add_subcommand("queue", "queue a date-range job (both dates included)");
  q->add_option("kind", args->kind, "job kind")->required();
  q->add_option("--from", args->from, "first day, dd-mm-yyyy or yyyy-mm-dd")->required();
  q->add_option("--to", args->to, "last day (included), dd-mm-yyyy or yyyy-mm-dd")->required();
  q->footer("Kinds:\n" + (kinds.empty() ? std::string("  (none in this build)\n") : kinds) +
            "Both dates are included. Prints the new job's id.\n"
            "Example: ferry queue cake-clicks --from 10-01-2016 --to 11-01-2016");
  q->callback([&ctx, &exit_code, args] { exit_code = queue(ctx, *args); });

  auto* list = app.add_subcommand("jobs", "list jobs, newest first");
  list->add_flag("--all", args->all, "include jobs finished more than 7 days ago");
  list->add_flag("--json", args->json, "JSON array instead of a table");
  list->footer("Example: ferry jobs --json | jq '.[] | select(.status==\"failed\")'");
  list->callback([&ctx, &exit_code, args] {
    auto jobs = state::JobStore(ctx.store()).list(args->all, ctx.wall_now());
    std::cout << (args->json ? format_jobs_json(jobs) : format_jobs_table(jobs));
    exit_code = kExitOk;
  });

  auto* one = app.add_subcommand("job", "show one job with its outputs");
  one->add_option("id", args->id, "job id")->required();
  one->footer("Example: ferry job 12");
  one->callback([&ctx, &exit_code, args] {
    auto job = state::JobStore(ctx.store()).get(args->id);
    if (!job) throw UsageError("job: no job " + std::to_string(args->id));
    std::cout << format_job_detail(*job);
    exit_code = kExitOk;
  });

  auto* cancel = app.add_subcommand("cancel", "cancel a queued or running job");
  cancel->add_option("id", args->id, "job id")->required();
  cancel->footer("A running job stops after its current unit.\nExample: ferry cancel 12");
  cancel->callback([&ctx, &exit_code, args] { exit_code = change(ctx, args->id, true); });

  auto* retry = app.add_subcommand("retry", "queue a failed or cancelled job again");
  retry->add_option("id", args->id, "job id")->required();
  retry->footer("The job continues from its checkpoint.\nExample: ferry retry 12");
  retry->callback([&ctx, &exit_code, args] { exit_code = change(ctx, args->id, false); });
}

}  // namespace ferry::cli
