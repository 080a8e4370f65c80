// `ferry run` (the cron tick) and `ferry status`.
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "cli/app_context.h"
#include "cli/run_heartbeat.h"
#include "cli/signals.h"
#include "ferry/core/lock.h"
#include "ferry/core/runner.h"
#include "ferry/io/env.h"
#include "ferry/log/alerts.h"
#include "ferry/log/logging.h"
#include "ferry/log/state_alarm.h"
#include "ferry/net/mailer.h"
#include "ferry/net/object_store.h"
#include "ferry/state/alerts.h"
#include "ferry/state/history.h"
#include "ferry/state/jobs.h"
#include "ferry/state/leases.h"
#include "ferry/state/runs.h"

namespace ferry::cli {
namespace {

// Log files that cannot be written: one alert (key `log:dir`), whose critical line is the one
// report on stderr. Nothing when there is no problem or it was reported already.
void raise_log_problem(log::AlertSink& alerts) {
  std::string problem = log::take_file_problem();
  if (problem.empty()) return;
  alerts.raise("log:dir", "log files cannot be written",
               problem + "; ferry logs to stderr only until it can write there, and does its work");
}

}  // namespace

namespace {

// ferry.db alone then holds everything (a copy of it is a usable state). PASSIVE: it never
// waits; a reader keeping old pages leaves the rest for the next run, as does a lock.
void checkpoint(state::Store& store) {
  try {
    if (!store.checkpoint()) spdlog::debug("state: WAL checkpoint left pages for later");
  } catch (const state::StateError& e) {
    if (!e.locked()) throw;
    spdlog::debug("state: no WAL checkpoint this time: {}", e.what());
  }
}

// Once per day (UTC date of the run's now), at the end of a run that has time left: history
// older than state.keep_history / keep_jobs goes, in small batches, until the budget ends it
// (the rest next run). Housekeeping: a failure is logged, never the run's.
void prune_history(AppContext& ctx, const Budget& budget) {
  state::Store& store = ctx.store();
  const auto& table = ctx.config().table("state");
  state::HistoryLimits limits;
  limits.keep_history = table.duration("keep_history");
  limits.keep_jobs = table.duration("keep_jobs");
  if (limits.keep_history.count() <= 0 && limits.keep_jobs.count() <= 0) return;
  const std::string today = format_date(utc_date(ctx.now()));
  state::MarkStore marks(store);
  try {
    if (marks.get("state", "pruned") == today) return;
    auto counts =
        state::prune_history(store, ctx.now(), limits, [&] { return budget.can_start_unit(); });
    if (counts.runs + counts.alerts + counts.jobs > 0)
      spdlog::info("state: pruned {} runs ({} run_stats rows), {} alerts, {} jobs{}", counts.runs,
                   counts.run_stats, counts.alerts, counts.jobs,
                   counts.complete ? "" : "; the rest next run");
    if (counts.complete) marks.set("state", "pruned", today, ctx.wall_now());
  } catch (const std::exception& e) {
    if (auto se = ctx.state_error(e); se && se->broken()) throw *se;
    spdlog::warn("state: history not pruned this time: {}", e.what());
  }
}

// The work of run_tick once the run lock is held; `report` receives the run's report.
int run_locked(AppContext& ctx, const std::string& only_task, const core::TaskArgs& args, bool jobs,
               core::RunReport& report) {
  const auto& config = ctx.config();
  // Bounds every unit started and every HTTP call's timeouts and back-off (ctx.http()).
  const Budget& budget = ctx.start_budget(config.table("run").duration("max_time"));
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
  options.host = host_name(config);
  options.force_tasks = !only_task.empty();
  options.shared = ctx.store().postgres();
  options.lease =
      std::chrono::duration_cast<std::chrono::seconds>(config.table("state").duration("lease"));
  core::Runner runner(ctx.registry(), services, &dispatcher, options);
  raise_log_problem(alerts);  // before the run, so that this run mails it
  report = runner.run();
  if (report.state_full.empty()) raise_log_problem(alerts);  // a log disk that filled meanwhile
  if (report.state_full.empty() && !report.interrupted) prune_history(ctx, budget);
  if (report.state_full.empty()) checkpoint(ctx.store());
  write_views_after_run(ctx);
  return report.failed() ? kExitWorkFailed : kExitOk;
}

// A state file that cannot be used: mailed straight away (the outbox is in that file) at most
// once per alerts.min_interval; the caller's top-level handler prints it and exits 1.
void raise_state_alarm(AppContext& ctx, const state::StateError& e) {
  const std::string dir = ctx.config().table("state").str("dir");
  net::CurlMailer mailer(smtp_settings(ctx.config()));
  log::mail_state_alarm(mailer, alert_settings(ctx.config()), dir + "/ferry.db.alerted", e.what(),
                        ctx.wall_now());
}

}  // namespace

int run_tick(AppContext& ctx, const std::string& only_task, const core::TaskArgs& args, bool jobs) {
  install_stop_handlers(ctx.config().table("run").duration("stop_grace"));
  ctx.start_file_logging();
  auto lock = core::RunLock::try_acquire(ctx.lock_path());
  if (!lock) {
    spdlog::info("another run is in progress (pid {}); exiting",
                 core::RunLock::holder_pid(ctx.lock_path()));
    return kExitOk;
  }
  // Cron's tick pings the heartbeat; a task or job run by hand (`ferry export ...`) does not.
  RunHeartbeat heartbeat(ctx.config(), only_task.empty());
  core::RunReport report;
  try {
    int code = run_locked(ctx, only_task, args, jobs, report);
    heartbeat.end(report);
    return code;
  } catch (const std::exception& e) {
    heartbeat.end_badly(e.what());
    auto se = ctx.state_error(e);
    if (!se) throw;
    if (se->broken()) raise_state_alarm(ctx, *se);
    throw *se;
  }
}

namespace {

// A shared state's runs in progress, one line each: host, pid, lease and what it holds.
void print_leases(state::Store& store, state::RunStore& runs) {
  auto live = runs.all_in_progress();
  if (live.empty()) {
    std::cout << "leases:         none (no run in progress on any host)\n";
    return;
  }
  std::map<int64_t, std::string> held;
  state::JobStore::ListFilter running;
  running.status = "running";
  for (const auto& j : state::JobStore(store).list(running, TimePoint{}))
    held[j.run_id] += ", job " + std::to_string(j.id);
  for (const auto& u : state::JobStore(store).held_units())
    held[u.run_id] += ", job " + std::to_string(u.job_id) + " unit " + std::to_string(u.unit);
  for (const auto& c : state::ClaimStore(store).held()) held[c.run_id] += ", " + c.name;
  for (const auto& r : live)
    std::cout << "lease:          #" << r.id << " " << (r.host.empty() ? "" : r.host + " ")
              << "pid " << r.pid << " until " << (r.lease_until.empty() ? "-" : r.lease_until)
              << (held[r.id].empty() ? "" : ": " + held[r.id].substr(2)) << "\n";
}

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
      std::cout << "running:        #" << now->id << ", pid " << now->pid
                << (now->host.empty() ? "" : " on " + now->host) << ", started " << now->started_at
                << "\n";
  }
  lock.reset();
  if (store.postgres()) print_leases(store, runs);
  if (auto last = runs.last_finished())
    std::cout << "last run:       #" << last->id << " " << last->outcome
              << (last->host.empty() ? "" : " on " + last->host) << ", started " << last->started_at
              << ", finished " << last->finished_at << "\n";
  else
    std::cout << "last run:       none yet\n";
  auto c = state::JobStore(store).counts();
  std::cout << "jobs:           " << c.queued << " queued, " << c.running << " running, "
            << c.failed << " failed, " << c.succeeded << " succeeded, " << c.cancelled
            << " cancelled\n";
  std::cout << "pending alerts: " << state::AlertStore(store).count_pending() << "\n";
  std::cout << "state:          " << store.path() << " (schema " << store.schema_version() << ")\n";
  print_pipeline_sections(ctx, std::cout);
  return kExitOk;
}

}  // namespace

void add_run_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* run = app.add_subcommand("run", "the cron tick: do what is due, then queued jobs");
  run->footer(
      "Takes the run lock (another run in progress: exits 0 at once), runs the scheduled\n"
      "pipelines that are due and the queued jobs in turn (one unit of each, round after\n"
      "round), until run.max_time, which also cuts every HTTP timeout and back-off; the rest\n"
      "continues on the next tick. SIGTERM or SIGINT: no new unit starts, the unit in progress\n"
      "gets run.stop_grace to finish, the run is recorded interrupted and the process ends by\n"
      "that signal.\nExample: ferry --config config/ferry.toml run");
  run->callback([&ctx, &exit_code] {
    ctx.allow_new_state();
    exit_code = run_tick(ctx, "", {}, true);
  });

  auto* init = app.add_subcommand("init", "create the state (or bring its schema up to date)");
  init->footer(
      "Creates state.dir/ferry.db with every table, or migrates an existing one, and prints\n"
      "its path. `ferry run` does the same on its first tick; other commands refuse to start\n"
      "without a state.\nExample: ferry --config config/ferry.toml init");
  init->callback([&ctx, &exit_code] {
    ctx.allow_new_state();
    state::Store& store = ctx.store();
    std::cout << "state: " << store.path() << " (schema " << store.schema_version() << ")\n";
    exit_code = kExitOk;
  });

  auto html = std::make_shared<std::string>();
  auto* status = app.add_subcommand("status", "lock, last run, queue depth, pending alerts");
  status->add_option("--html", *html,
                     "write the status page (one self-contained HTML file) to FILE instead");
  status->footer(
      "Prints the run lock, the last run, the queue, pending alerts and each pipeline's own\n"
      "lines. With --html FILE it writes the status page that runs write to status.html_path\n"
      "(atomically: a temp file beside FILE, renamed).\n"
      "Example: ferry status --html /var/www/ferry/index.html");
  status->callback([&ctx, &exit_code, html] {
    exit_code = html->empty() ? do_status(ctx) : write_status_html(ctx, *html);
  });
}

}  // namespace ferry::cli
