// `ferry workers`: the hosts that ran ferry on this state in the last hour, with their last run.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/app_context.h"
#include "ferry/state/runs.h"

namespace ferry::cli {
namespace {

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + "  ";
}

int list_workers(AppContext& ctx) {
  auto hosts = state::RunStore(ctx.store()).hosts_since(ctx.wall_now() - std::chrono::hours(1));
  if (hosts.empty()) {
    std::cout << "no run started in the last hour\n";
    return kExitOk;
  }
  std::size_t width = 4;
  for (const auto& h : hosts) width = std::max(width, h.host.empty() ? 9 : h.host.size());
  std::cout << padded("HOST", width) << "RUNS  LAST RUN  PID      STARTED               OUTCOME\n";
  for (const auto& h : hosts) {
    std::string runs = std::to_string(h.runs), id = std::to_string(h.last.id);
    std::cout << padded(h.host.empty() ? "(unnamed)" : h.host, width) << padded(runs, 4)
              << padded(id, 8) << padded(std::to_string(h.last.pid), 7)
              << padded(h.last.started_at, 20) << h.last.outcome << "\n";
  }
  return kExitOk;
}

}  // namespace

std::string host_name(const config::Config& config) {
  const std::string& configured = config.table("run").str("host");
  if (!configured.empty()) return configured;
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

void add_worker_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* workers = app.add_subcommand(
      "workers", "hosts that ran ferry on this state in the last hour, with their last run");
  workers->footer(
      "A host is named by run.host, else its hostname; runs recorded before ferry kept the\n"
      "host show as (unnamed). RUNS counts the runs it started in the hour.");
  workers->callback([&ctx, &exit_code] { exit_code = list_workers(ctx); });
}

}  // namespace ferry::cli
