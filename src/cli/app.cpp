#include "ferry/cli/app.h"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/app_context.h"
#include "cli/signals.h"
#include "ferry/base/error.h"
#include "ferry/log/logging.h"
#include "ferry/net/curl_http.h"

#ifndef FERRY_VERSION
#define FERRY_VERSION "0.1.0"
#endif

namespace ferry::cli {

const char* version() {
  return FERRY_VERSION;
}

namespace {

void add_globals(CLI::App& app, GlobalOptions& g) {
  app.add_option("--config", g.config_path, "config file (TOML); env FERRY_CONFIG")
      ->envname("FERRY_CONFIG")
      ->each([&g](const std::string&) { g.config_given = true; });
  app.add_option("--state", g.state_dir, "state folder (overrides state.dir)");
  app.add_flag_function(
      "-v,--verbose", [&g](int64_t) { g.verbosity = 1; }, "debug output");
  app.add_flag_function(
      "-q,--quiet", [&g](int64_t) { g.verbosity = -1; }, "warnings only");
  app.set_version_flag("--version", "ferry " FERRY_VERSION);
}

// The first word of the command line that is not a global option or its value: the
// subcommand the operator meant; "" when there is none.
std::string first_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" || a == "--state") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] != '-') return a;
  }
  return "";
}

int run_command_line(int argc, char** argv);

}  // namespace

int run_main(int argc, char** argv) {
  int code = run_command_line(argc, argv);
  // Log files that could not be written and were not raised as an alert: one line per process.
  std::string problem = log::take_file_problem();
  if (!problem.empty()) spdlog::error("{}; logging to stderr only", problem);
  log::flush();
  return end_if_stopped(code);
}

namespace {

int run_command_line(int argc, char** argv) {
  log::init_console("info");
  GlobalOptions globals;
  CLI::App app{"ferry: scheduled exports from web APIs to files, S3 and analytics"};
  app.footer(
      "Cron runs `ferry run` every five minutes; operators queue and inspect work by hand.\n"
      "Exit codes: 0 ok, 1 some work failed, 2 bad usage or config; a run stopped by SIGTERM\n"
      "or SIGINT ends by that signal (128+N in a shell).");
  app.require_subcommand(1);
  add_globals(app, globals);
  int exit_code = kExitOk;
  std::unique_ptr<AppContext> owned;
  try {
    owned = std::make_unique<AppContext>(globals);
    AppContext& ctx = *owned;
    add_run_commands(app, ctx, exit_code);
    add_job_commands(app, ctx, exit_code);
    add_config_commands(app, ctx, exit_code);
    add_link_commands(app, ctx, exit_code);
    add_s3_commands(app, ctx, exit_code);
    add_state_commands(app, ctx, exit_code);
    add_doctor_commands(app, ctx, exit_code);
    add_worker_commands(app, ctx, exit_code);
    for (const auto& pipeline : ctx.pipelines()) pipeline->add_commands(app, ctx, exit_code);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);
      std::string command = first_command(argc, argv);
      auto named = [&command](CLI::App* sub) { return sub->check_name(command); };
      if (!command.empty() && app.get_subcommands(named).empty()) {
        std::cerr << "ferry: unknown command '" << command << "' (see ferry --help)\n";
        return kExitUsage;
      }
      std::cerr << "ferry: " << e.what() << "\n(see ferry --help)\n";
      return kExitUsage;
    } catch (const std::exception& e) {
      if (auto full = ctx.state_disk_full(e)) throw *full;  // name the file, say why
      throw;
    }
  } catch (const UsageError& e) {
    spdlog::error("{}", e.what());
    log::flush();
    return kExitUsage;
  } catch (const OperationError& e) {
    spdlog::error("{}", e.what());
    log::flush();
    return kExitWorkFailed;
  } catch (const std::exception& e) {
    if (auto se = owned ? owned->state_error(e) : std::nullopt)
      spdlog::error("{}", se->what());  // the state file locked by another program, or broken
    else if (dynamic_cast<const sql::Error*>(&e))
      spdlog::error("{}", e.what());  // a database's own words, e.g. `ferry state migrate`'s
    else
      spdlog::critical("unexpected error: {}", e.what());
    log::flush();
    return kExitWorkFailed;
  }
  log::flush();
  return exit_code;
}

}  // namespace
}  // namespace ferry::cli
