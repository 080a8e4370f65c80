// `ferry run` (the cron tick) and `ferry status`.
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app_context.h"
#include "cli/signals.h"
#include "ferry/core/lock.h"
#include "ferry/core/runner.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/net/mailer.h"
#include "ferry/net/object_store.h"
#include "ferry/state/alerts.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"

namespace ferry::cli {

int run_tick(AppContext& ctx, const std::string& only_task, const core::TaskArgs& args, bool jobs) {
  const auto& config = ctx.config();
  install_stop_handlers(config.table("run").duration("stop_grace"));
  ctx.start_file_logging();
  auto lock = core::RunLock::try_acquire(ctx.lock_path());
  if (!lock) {
    spdlog::info("another run is in progress (pid {}); exiting",
                 core::RunLock::holder_pid(ctx.lock_path()));
    return kExitOk;
  }
  RealTimer timer;
  Budget budget(timer, config.table("run").duration("max_time"));
  state::AlertStore alert_store(ctx.store());
  log::OutboxAlertSink alerts(alert_store, ctx.wall_clock());
  net::CurlMailer mailer(smtp_settings(config));
  log::AlertDispatcher dispatcher(alert_store, mailer, alert_settings(config));
  core::Services services{
      config,          ctx.store(), ctx.http(),
      alerts,          ctx.now(),   ctx.wall_clock(),
      budget,          0,           [&ctx](const std::string& t) { return ctx.object_store(t); },
      io::Env::posix()};
  core::RunOptions options;
  options.job_attempts = static_cast<int>(config.table("run").integer("job_attempts"));
  options.job_crashes = static_cast<int>(config.table("run").integer("job_crashes"));
  options.only_task = only_task;
  options.task_args = args;
  options.jobs = jobs;
  options.force_tasks = !only_task.empty();
  core::Runner runner(ctx.registry(), services, &dispatcher, options);
  auto report = runner.run();
  return report.failed() ? kExitWorkFailed : kExitOk;
}

namespace {

int do_status(AppContext& ctx) {
  state::Store& store = ctx.store();
  auto lock = core::RunLock::try_acquire(ctx.lock_path());
  state::RunStore runs(store);
  if (lock) {
    std::cout << "run lock:       free\n";
  } else {
    std::cout << "run lock:       held by pid " << core::RunLock::holder_pid(ctx.lock_path())
              << " (a run is in progress)\n";
    if (auto now = runs.in_progress())
      std::cout << "running:        #" << now->id << ", pid " << now->pid << ", started "
                << now->started_at << "\n";
  }
  lock.reset();
  if (auto last = runs.last_finished())
    std::cout << "last run:       #" << last->id << " " << last->outcome << ", started "
              << last->started_at << ", finished " << last->finished_at << "\n";
  else
    std::cout << "last run:       none yet\n";
  auto c = state::JobStore(store).counts();
  std::cout << "jobs:           " << c.queued << " queued, " << c.running << " running, "
            << c.failed << " failed, " << c.succeeded << " succeeded, " << c.cancelled
            << " cancelled\n";
  std::cout << "pending alerts: " << state::AlertStore(store).count_pending() << "\n";
  std::cout << "state:          " << store.path() << " (schema " << store.schema_version() << ")\n";
  return kExitOk;
}

}  // namespace

void add_run_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* run = app.add_subcommand("run", "the cron tick: do what is due, then queued jobs");
  run->footer(
      "Takes the run lock (another run in progress: exits 0 at once), runs the scheduled\n"
      "pipelines that are due and the queued jobs, oldest first, until run.max_time; the rest\n"
      "continues on the next tick. SIGTERM or SIGINT: no new unit starts, the unit in progress\n"
      "gets run.stop_grace to finish, the run is recorded interrupted and the process ends by\n"
      "that signal.\nExample: ferry --config config/ferry.toml run");
  run->callback([&ctx, &exit_code] { exit_code = run_tick(ctx, "", {}, true); });

  auto* status = app.add_subcommand("status", "lock, last run, queue depth, pending alerts");
  status->footer("Example: ferry status");
  status->callback([&ctx, &exit_code] { exit_code = do_status(ctx); });
}

}  // namespace ferry::cli
