// `ferry link ID [--expires 24h]`: fresh presigned download links for a job's outputs, made for
// the endpoint, region, bucket and key each output was uploaded to (recorded in job_outputs),
// not for today's configuration of its target.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app_context.h"
#include "ferry/base/error.h"
#include "ferry/net/object_store.h"
#include "ferry/s3/store.h"
#include "ferry/state/jobs.h"

namespace ferry::cli {
namespace {

constexpr std::chrono::seconds kMaxLink{7 * 24 * 3600};

struct LinkArgs {
  int64_t id = 0;
  std::string expires = "24h";
};

// Presigns outputs, one store per target or recorded location, opened when first needed.
class Presigner {
 public:
  explicit Presigner(AppContext& ctx) : ctx_(ctx) {}

  // The link for `out`, or nullopt (with `why`) when no configured target can sign for the
  // bucket it was uploaded to.
  std::optional<std::string> link(const state::JobOutput& out, std::chrono::seconds expires,
                                  TimePoint now, std::string* why) {
    if (out.s3_bucket.empty()) {  // recorded before locations were: today's config of the target
      auto& store = by_target_[out.s3_target];
      if (!store) store = ctx_.object_store(out.s3_target);
      return store->presign_get(out.s3_key, expires, now);
    }
    net::ObjectLocation at{out.s3_endpoint, out.s3_region, out.s3_bucket, ""};
    auto& store = by_location_[out.s3_target + "\n" + at.endpoint + "\n" + at.bucket];
    if (!store)
      store =
          s3::make_s3_client_at(ctx_.config(), out.s3_target, at, ctx_.http(), ctx_.environment());
    if (!store) {
      *why = "output " + out.name + " was uploaded to bucket '" + at.bucket + "' at " +
             at.endpoint + ", and no configured S3 target can sign for it: there is no [s3." +
             out.s3_target + "] any more and no [s3.*] table with that bucket and endpoint";
      return std::nullopt;
    }
    return store->presign_get(out.s3_object_key, expires, now);
  }

 private:
  AppContext& ctx_;
  std::map<std::string, std::unique_ptr<net::ObjectStore>> by_target_;
  std::map<std::string, std::unique_ptr<net::ObjectStore>> by_location_;
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
  Presigner presigner(ctx);
  TimePoint wall = ctx.wall_now();
  std::string until = format_iso8601(wall + *expires);
  int made = 0, unsigned_ = 0;
  for (const auto& out : job->outputs) {
    if (out.s3_target.empty() || out.s3_key.empty()) continue;
    std::string why;
    auto url = presigner.link(out, *expires, wall, &why);
    if (!url) {
      std::cerr << "ferry: link: job " << a.id << ": " << why << "\n";
      ++unsigned_;
      continue;
    }
    jobs.set_link(job->id, out.name, *url, until);
    std::cout << out.name << "\t" << *url << "\n";
    ++made;
  }
  if (unsigned_ > 0) return kExitWorkFailed;
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
      "and stores the link (shown by `ferry jobs` and `ferry job ID`). The link goes to the\n"
      "bucket, endpoint and key the file was uploaded to, signed with the credentials of the\n"
      "target of the same name (or of a target with that bucket and endpoint).\n"
      "Example: ferry link 12 --expires 48h");
  cmd->callback([&ctx, &exit_code, args] { exit_code = link(ctx, *args); });
}

}  // namespace ferry::cli
