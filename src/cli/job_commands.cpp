// `ferry queue`, `jobs`, `job`, `cancel`, `retry`.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <utility>

#include "cli/app_context.h"
#include "cli/job_format.h"
#include "ferry/base/error.h"
#include "ferry/core/lock.h"
#include "ferry/io/env.h"
#include "ferry/state/jobs.h"

namespace ferry::cli {
namespace {

struct JobArgs {
  std::string kind, from, to, id, status;
  bool all = false, json = false, force = false;
  int limit = 50;
  // Options job kinds declare (QueueOption), by name: the value and the CLI11 option.
  std::map<std::string, std::pair<std::string, CLI::Option*>> kind_options;
};

// The kind's option values as given; UsageError for an option the kind does not take.
core::QueueValues queue_values(const core::JobKind& kind, const JobArgs& a) {
  core::QueueValues out;
  for (const auto& [name, value] : a.kind_options) {
    if (value.second->count() == 0) continue;
    bool known = false;
    for (const auto& o : kind.queue_options) known = known || o.name == name;
    if (!known) throw UsageError("queue: " + kind.name + " takes no --" + name);
    out[name] = value.first;
  }
  return out;
}

// Refuses a range longer than run.max_range, and a job like one queued or running (both
// unless --force).
void check_queue(AppContext& ctx, const JobArgs& a, const DateRange& r, const std::string& params) {
  if (a.force) return;
  Seconds max = ctx.config().table("run").duration("max_range");
  if (r.days() * 86400 > max.count())
    throw UsageError("queue: " + format_date(r.from) + ".." + format_date(r.to) + " is " +
                     std::to_string(r.days()) + " days, longer than run.max_range (" +
                     format_duration(max) + "); add --force to queue it anyway");
  if (auto same = state::JobStore(ctx.store())
                      .find_active(a.kind, format_date(r.from), format_date(r.to), params))
    throw UsageError("queue: job " + std::to_string(*same) + " (" + a.kind + " " +
                     format_date(r.from) + ".." + format_date(r.to) +
                     (params == "{}" ? std::string() : " " + params) +
                     ") is already queued or running; add --force to queue another");
}

int queue(AppContext& ctx, const JobArgs& a) {
  const core::JobKind* kind = ctx.registry().find_job_kind(a.kind);
  if (!kind) {
    std::string kinds;
    for (const auto& k : ctx.registry().job_kinds()) kinds += (kinds.empty() ? "" : ", ") + k.name;
    throw UsageError("queue: unknown kind '" + a.kind +
                     "'; known kinds: " + (kinds.empty() ? "(none in this build)" : kinds));
  }
  core::QueueValues values = queue_values(*kind, a);
  DateRange r = parse_date_range(a.from, a.to);
  std::vector<std::string> params{"{}"};
  if (kind->queue_params) params = kind->queue_params(ctx.config(), values);
  for (const auto& p : params) check_queue(ctx, a, r, p);
  ctx.start_file_logging();
  state::JobStore jobs(ctx.store());
  for (const auto& p : params) {
    int64_t id = jobs.enqueue(a.kind, format_date(r.from), format_date(r.to), p, ctx.wall_now());
    spdlog::info("queued job {}: {} {}..{}{} (both days included)", id, a.kind, format_date(r.from),
                 format_date(r.to), p == "{}" ? "" : " " + p);
    std::cout << id << "\n";
  }
  return kExitOk;
}

// After `ferry cancel`: lets the job's kind clean up when no process can be working on it: it
// was queued (the runner starts only queued jobs), or it was running but no run holds the lock.
void clean_up_cancelled(AppContext& ctx, const state::Job& before) {
  const core::JobKind* kind = ctx.registry().find_job_kind(before.kind);
  if (!kind || !kind->on_cancel) return;
  std::unique_ptr<core::RunLock> lock;
  if (before.status != state::JobStatus::kQueued) {
    lock = core::RunLock::try_acquire(ctx.lock_path());
    if (!lock) return;  // the run working on it cleans up after its current unit
  }
  kind->on_cancel(ctx.config(), io::Env::posix(), before);
}

int change(AppContext& ctx, int64_t id, bool cancel) {
  ctx.config();
  ctx.start_file_logging();
  state::JobStore jobs(ctx.store());
  auto before = jobs.get(id);
  std::string why;
  bool ok = cancel ? jobs.cancel(id, ctx.wall_now(), &why) : jobs.retry(id, ctx.wall_now(), &why);
  if (!ok) throw UsageError(std::string(cancel ? "cancel" : "retry") + ": " + why);
  spdlog::info("job {} {}", id,
               cancel ? "cancelled" : "queued again; it continues from its checkpoint");
  if (cancel) clean_up_cancelled(ctx, *before);
  return kExitOk;
}

int list_jobs(AppContext& ctx, const JobArgs& a) {
  if (!a.status.empty() && !state::parse_status(a.status))
    throw UsageError("jobs: --status '" + a.status +
                     "' is not one of queued, running, succeeded, failed, cancelled");
  if (a.limit < 1) throw UsageError("jobs: --limit must be at least 1");
  state::JobStore::ListFilter filter{a.all, a.status, a.kind, a.limit};
  auto jobs = state::JobStore(ctx.store()).list(filter, ctx.wall_now());
  std::cout << (a.json ? format_jobs_json(jobs) : format_jobs_table(jobs));
  return kExitOk;
}

}  // namespace

void add_job_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto args = std::make_shared<JobArgs>();
  std::string kinds;
  for (const auto& k : ctx.registry().job_kinds()) {
    kinds += "  " + k.name + std::string(k.name.size() < 20 ? 20 - k.name.size() : 1, ' ') +
             k.summary + "\n";
    for (const auto& o : k.queue_options)
      kinds += std::string(22, ' ') + "--" + o.name + ": " + o.help + "\n";
  }

  auto* q = app.add_subcommand("queue", "queue a date-range job (both dates included)");
  q->add_option("kind", args->kind, "job kind")->required();
  q->add_option("--from", args->from, "first day, dd-mm-yyyy or yyyy-mm-dd")->required();
  q->add_option("--to", args->to, "last day (included), dd-mm-yyyy or yyyy-mm-dd")->required();
  for (const auto& k : ctx.registry().job_kinds())
    for (const auto& o : k.queue_options) {
      auto& slot = args->kind_options[o.name];
      if (!slot.second) slot.second = q->add_option("--" + o.name, slot.first, o.help);
    }
  q->add_flag("--force", args->force,
              "queue even a range longer than run.max_range, or a job like one queued or running");
  q->footer("Kinds:\n" + (kinds.empty() ? std::string("  (none in this build)\n") : kinds) +
            "Both dates are included; years 2000 to 2100. Prints the new job's id.\n"
            "Example: ferry queue cake-clicks --from 10-01-2016 --to 11-01-2016");
  q->callback([&ctx, &exit_code, args] { exit_code = queue(ctx, *args); });

  auto* list = app.add_subcommand("jobs", "list jobs, newest first");
  list->add_flag("--all", args->all, "include jobs finished more than 7 days ago");
  list->add_flag("--json", args->json, "JSON array instead of a table");
  list->add_option("--status", args->status, "only jobs in this status (queued, failed, ...)");
  list->add_option("--kind", args->kind, "only jobs of this kind");
  list->add_option("--limit", args->limit, "at most this many jobs (default 50)");
  list->footer(
      "Links are shown by `ferry job ID` and `ferry link ID`.\n"
      "Example: ferry jobs --status failed --kind cake-clicks --limit 10");
  list->callback([&ctx, &exit_code, args] { exit_code = list_jobs(ctx, *args); });

  auto* one = app.add_subcommand("job", "show one job with its outputs");
  one->add_option("id", args->id, "job id")->required();
  one->footer("Example: ferry job 12");
  one->callback([&ctx, &exit_code, args] {
    int64_t id = parse_job_id("job", args->id);
    auto job = state::JobStore(ctx.store()).get(id);
    if (!job) throw UsageError("job: no job " + std::to_string(id));
    std::cout << format_job_detail(*job);
    exit_code = kExitOk;
  });

  auto* cancel = app.add_subcommand("cancel", "cancel a queued or running job");
  cancel->add_option("id", args->id, "job id")->required();
  cancel->footer(
      "A running job stops after its current unit; what only the job could use (a partial\n"
      "file) is removed.\nExample: ferry cancel 12");
  cancel->callback([&ctx, &exit_code, args] {
    exit_code = change(ctx, parse_job_id("cancel", args->id), true);
  });

  auto* retry = app.add_subcommand("retry", "queue a failed or cancelled job again");
  retry->add_option("id", args->id, "job id")->required();
  retry->footer("The job continues from its checkpoint.\nExample: ferry retry 12");
  retry->callback([&ctx, &exit_code, args] {
    exit_code = change(ctx, parse_job_id("retry", args->id), false);
  });
}

}  // namespace ferry::cli
