// `ferry link ID [--expires 24h]`: fresh presigned download links for a job's outputs.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app_context.h"
#include "ferry/base/error.h"
#include "ferry/net/object_store.h"
#include "ferry/state/jobs.h"

namespace ferry::cli {
namespace {

constexpr std::chrono::seconds kMaxLink{7 * 24 * 3600};

struct LinkArgs {
  int64_t id = 0;
  std::string expires = "24h";
};

int link(AppContext& ctx, const LinkArgs& a) {
  auto expires = parse_duration(a.expires);
  if (!expires || *expires <= std::chrono::seconds(0) || *expires > kMaxLink)
    throw UsageError("link: --expires '" + a.expires +
                     "' must be a duration from 1s to 7d, e.g. 24h");
  ctx.config();
  ctx.start_file_logging();
  state::JobStore jobs(ctx.store());
  auto job = jobs.get(a.id);
  if (!job) throw UsageError("link: no job " + std::to_string(a.id));
  std::map<std::string, std::unique_ptr<net::ObjectStore>> stores;
  TimePoint wall = ctx.wall_now();
  std::string until = format_iso8601(wall + *expires);
  int made = 0;
  for (const auto& out : job->outputs) {
    if (out.s3_target.empty() || out.s3_key.empty()) continue;
    auto& store = stores[out.s3_target];
    if (!store) store = ctx.object_store(out.s3_target);
    std::string url = store->presign_get(out.s3_key, *expires, wall);
    jobs.set_link(job->id, out.name, url, until);
    std::cout << out.name << "\t" << url << "\n";
    ++made;
  }
  if (made == 0) {
    std::cerr << "ferry: link: job " << a.id << " has no uploaded outputs yet\n";
    return kExitWorkFailed;
  }
  spdlog::debug("link: {} link(s) for job {} valid until {}", made, a.id, until);
  return kExitOk;
}

}  // namespace

void add_link_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto args = std::make_shared<LinkArgs>();
  auto* cmd = app.add_subcommand("link", "print fresh download links for a job's outputs");
  cmd->add_option("id", args->id, "job id")->required();
  cmd->add_option("--expires", args->expires, "how long the links stay valid (1s to 7d)")
      ->capture_default_str();
  cmd->footer(
      "Presigns a GET URL for each output the job uploaded to S3, prints `NAME<TAB>URL` per line\n"
      "and stores the link (shown by `ferry jobs` and `ferry job ID`).\n"
      "Example: ferry link 12 --expires 48h");
  cmd->callback([&ctx, &exit_code, args] { exit_code = link(ctx, *args); });
}

}  // namespace ferry::cli
