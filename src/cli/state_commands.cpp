// `ferry backup FILE`: a consistent copy of the state file, taken while runs go on; `ferry state
// …` (state_migrate.cpp).
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app_context.h"
#include "ferry/base/error.h"

namespace ferry::cli {
namespace {

struct BackupOptions {
  std::string file;
  bool force = false;
};

int do_backup(AppContext& ctx, const BackupOptions& o) {
  struct stat st;
  if (::stat(o.file.c_str(), &st) == 0 && !o.force)
    throw UsageError("backup: " + o.file +
                     " exists; name a new file, or add --force to replace it");
  state::Store& store = ctx.store();
  store.backup(o.file);
  std::cout << "backed up " << store.path() << " to " << o.file << "\n";
  return kExitOk;
}

}  // namespace

void add_state_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto o = std::make_shared<BackupOptions>();
  auto* backup = app.add_subcommand("backup", "write a consistent copy of the state file");
  backup->add_option("FILE", o->file, "where to write the copy (refused if it exists)")->required();
  backup->add_flag("--force", o->force, "replace FILE if it exists");
  backup->footer(
      "Uses SQLite's online backup: safe while a run writes the state. The copy is written to a\n"
      "temp file beside FILE and renamed, so FILE is never half-written. To restore: stop cron,\n"
      "remove state/ferry.db-wal and ferry.db-shm, then copy FILE to state/ferry.db.\n"
      "Example: ferry backup /var/backups/ferry/ferry-$(date +%F).db");
  backup->callback([&ctx, &exit_code, o] { exit_code = do_backup(ctx, *o); });

  auto* state = app.add_subcommand("state", "move the state to another database");
  state->require_subcommand(1);
  add_state_migrate(*state, ctx, exit_code);
}

}  // namespace ferry::cli
