// `ferry export mindtrails [--server NAME]` and
// `ferry recover mindtrails --server NAME --scale NAME [--out DIR]`.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/app_context.h"
#include "ferry/base/error.h"
#include "ferry/mindtrails/recover.h"
#include "ferry/mindtrails/settings.h"
#include "ferry/mindtrails/task.h"

namespace ferry::cli {
namespace {

// `export` and `recover` group one subcommand per pipeline; whichever adder comes first
// creates the group.
CLI::App* group(CLI::App& app, const std::string& name, const std::string& help,
                const std::string& example) {
  auto found = app.get_subcommands([&](CLI::App* a) { return a->get_name() == name; });
  if (!found.empty()) return found.front();
  CLI::App* g = app.add_subcommand(name, help);
  g->require_subcommand(1);
  g->footer("Example: " + example);
  return g;
}

mindtrails::ServerSettings find_server(AppContext& ctx, const std::string& name) {
  auto servers = mindtrails::server_settings(ctx.config());
  std::string names;
  for (auto& s : servers) {
    if (s.name == name) return s;
    names += (names.empty() ? "" : ", ") + s.name;
  }
  throw UsageError("no [[mindtrails.server]] named '" + name + "' in " +
                   (ctx.config().file().empty() ? "the config" : ctx.config().file()) +
                   " (configured: " + (names.empty() ? "none" : names) + ")");
}

int export_mindtrails(AppContext& ctx, const std::string& server) {
  if (server.empty() && mindtrails::server_settings(ctx.config()).empty())
    throw UsageError("no [[mindtrails.server]] is configured in " +
                     (ctx.config().file().empty() ? "the config" : ctx.config().file()));
  if (!server.empty()) find_server(ctx, server);
  mindtrails::task_factory().set_only_server(server);
  return run_tick(ctx, "mindtrails", false);
}

int recover_mindtrails(AppContext& ctx, const std::string& server_name, const std::string& scale,
                       const std::string& out) {
  mindtrails::ServerSettings server = find_server(ctx, server_name);
  auto key = crypto::RsaPrivateKey::load_pem_file(server.private_key, server.passphrase);
  mindtrails::RecoverOptions o;
  o.raw_dir = server.raw_dir();
  o.out_dir = out.empty() ? server.recovered_dir() : out;
  o.table = scale;
  o.key = &key;
  o.padding = server.padding;
  o.threads = mindtrails::pipeline_settings(ctx.config()).decrypt_threads;
  o.now = ctx.now();
  auto r = mindtrails::recover_table(o);
  std::cout << "recovered " << r.rows << " rows of " << scale << " from " << r.files.size()
            << " raw files (" << r.duplicates << " duplicates skipped, " << r.decrypt_failures
            << " decryption failures, " << r.unreadable.size() << " unreadable files)\n";
  for (const auto& p : r.outputs) std::cout << "  " << p << "\n";
  std::cout << "summary: " << r.readme << "\n";
  return r.unreadable.empty() ? kExitOk : kExitWorkFailed;
}

}  // namespace

void add_mindtrails_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* exp = group(app, "export", "run one scheduled pipeline now, whether due or not",
                        "ferry export mindtrails --server prod");
  auto* ex = exp->add_subcommand(
      "mindtrails", "export new MindTrails rows now (raw backup, decrypt, CSV, then deletes)");
  auto server = std::make_shared<std::string>();
  ex->add_option("--server", *server, "only this [[mindtrails.server]] (its name)");
  ex->footer(
      "Runs the mindtrails pass at once under the run lock (another run in progress: exits 0\n"
      "without doing anything): table list, new rows above each table's benchmark, raw backup,\n"
      "decryption, daily CSVs, then deletes where allowed. Queued jobs are left for `ferry run`.\n"
      "Example: ferry export mindtrails --server prod");
  ex->callback([&ctx, &exit_code, server] { exit_code = export_mindtrails(ctx, *server); });

  CLI::App* rec = group(app, "recover", "rebuild outputs from raw backups",
                        "ferry recover mindtrails --server prod --scale BBSIQ");
  auto* rm = rec->add_subcommand("mindtrails", "rebuild one table's CSV from its raw backups");
  auto rserver = std::make_shared<std::string>();
  auto scale = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  rm->add_option("--server", *rserver, "the [[mindtrails.server]] whose raw_data/ is read")
      ->required();
  rm->add_option("--scale", *scale, "the table (exact name: DD does not include DD_FU)")
      ->required();
  rm->add_option("--out", *out, "output folder (default: <data_dir>/recovered_data)");
  rm->footer(
      "Reads every raw backup of the table in time order, keeps each id once (the first file\n"
      "wins), decrypts, and writes <scale>_recovered_<date>.csv and\n"
      "README_<scale>_recovered_<date>.txt. Needs no state and never contacts the server.\n"
      "Example: ferry recover mindtrails --server prod --scale BBSIQ --out /tmp/bbsiq");
  rm->callback([&ctx, &exit_code, rserver, scale, out] {
    exit_code = recover_mindtrails(ctx, *rserver, *scale, *out);
  });
}

}  // namespace ferry::cli
