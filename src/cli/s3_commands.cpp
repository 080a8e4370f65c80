// `ferry s3 ...`: operator commands on a configured `[s3.NAME]` target.
//
//   ferry s3 ls TARGET [PREFIX]          one line per object: last-modified, size, key
//   ferry s3 put TARGET FILE KEY         upload (multipart above multipart_threshold)
//   ferry s3 get TARGET KEY FILE         download through a temp file
//   ferry s3 presign TARGET KEY [--expires 24h]   the URL alone on stdout
//
// Transfers show progress on stderr when it is a terminal and stay quiet otherwise. SIGTERM or
// SIGINT cuts a transfer at once: the temp file of a download is removed, a multipart upload
// is aborted, and the process ends by that signal.
#include <CLI/CLI.hpp>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/app_context.h"
#include "cli/signals.h"
#include "ferry/base/error.h"
#include "ferry/base/time.h"
#include "ferry/s3/progress.h"
#include "ferry/s3/store.h"

namespace ferry::cli {
namespace {

struct Args {
  std::string target;
  std::string key;
  std::string file;
  std::string prefix;
  std::string expires = "24h";
};

std::unique_ptr<s3::S3Client> client_for(AppContext& ctx, const std::string& target) {
  return s3::make_s3_client(ctx.config(), target, ctx.http(), ctx.environment());
}

// Runs a transfer with a progress meter on interactive terminals.
template <typename Fn>
void with_progress(AppContext& ctx, s3::S3Client& client, Fn&& fn) {
  if (!ctx.interactive()) {
    fn();
    return;
  }
  auto meter = std::make_shared<s3::ProgressMeter>(stderr);
  client.set_progress([meter](uint64_t done, uint64_t total) { meter->update(done, total); });
  try {
    fn();
  } catch (...) {
    meter->finish();  // end the progress line before the error is printed
    throw;
  }
  meter->finish();
  client.set_progress(nullptr);
}

void run_ls(AppContext& ctx, const Args& a) {
  auto client = client_for(ctx, a.target);
  for (const auto& o : client->list(a.prefix))
    std::printf("%-24s %12" PRIu64 "  %s\n", o.last_modified.c_str(), o.size, o.key.c_str());
}

void run_put(AppContext& ctx, const Args& a) {
  auto client = client_for(ctx, a.target);
  install_stop_handlers(std::chrono::milliseconds(0));  // a stop cuts the transfer at once
  with_progress(ctx, *client, [&] { client->put_file(a.key, a.file); });
  std::printf("s3://%s/%s  %ju bytes\n", client->options().bucket.c_str(),
              client->full_key(a.key).c_str(),
              static_cast<uintmax_t>(std::filesystem::file_size(a.file)));
}

void run_get(AppContext& ctx, const Args& a) {
  auto client = client_for(ctx, a.target);
  install_stop_handlers(std::chrono::milliseconds(0));  // a stop cuts the transfer at once
  with_progress(ctx, *client, [&] { client->get_file(a.key, a.file); });
  std::printf("%s\n", a.file.c_str());
}

void run_presign(AppContext& ctx, const Args& a) {
  auto expires = parse_duration(a.expires);
  if (!expires)
    throw UsageError("--expires '" + a.expires + "' is not a duration such as 90m, 24h or 7d");
  auto client = client_for(ctx, a.target);
  std::printf("%s\n", client->presign_get(a.key, *expires, ctx.wall_now()).c_str());
}

CLI::App* add_command(CLI::App& group, const std::string& name, const std::string& help,
                      const std::string& example, AppContext& ctx, int& exit_code,
                      const std::shared_ptr<Args>& args, void (*run)(AppContext&, const Args&)) {
  CLI::App* cmd = group.add_subcommand(name, help);
  cmd->footer("Example:\n  " + example);
  cmd->callback([&ctx, &exit_code, args, run] {
    run(ctx, *args);
    std::fflush(stdout);
    exit_code = kExitOk;
  });
  return cmd;
}

}  // namespace

void add_s3_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* s3 = app.add_subcommand("s3",
                                    "List, upload, download and presign objects of a "
                                    "configured [s3.NAME] target");
  s3->require_subcommand(1);
  s3->footer(
      "TARGET names an [s3.NAME] table of the config file. Examples:\n"
      "  ferry s3 ls reports 2016-01/\n"
      "  ferry s3 put reports clicks.csv 2016-01/clicks.csv\n"
      "  ferry s3 get reports 2016-01/clicks.csv /tmp/clicks.csv\n"
      "  ferry s3 presign reports 2016-01/clicks.csv --expires 24h");
  auto args = std::make_shared<Args>();
  const char* target_help = "name of an [s3.NAME] table in the config file";

  CLI::App* ls = add_command(*s3, "ls", "List the objects under PREFIX (all when omitted)",
                             "ferry s3 ls reports 2016-01/", ctx, exit_code, args, run_ls);
  ls->add_option("target", args->target, target_help)->required();
  ls->add_option("prefix", args->prefix, "key prefix, relative to the target's prefix");

  CLI::App* put = add_command(*s3, "put", "Upload FILE as KEY (multipart for large files)",
                              "ferry s3 put reports exports/clicks.csv 2016-01/clicks.csv", ctx,
                              exit_code, args, run_put);
  put->add_option("target", args->target, target_help)->required();
  put->add_option("file", args->file, "local file to upload")->required()->check(CLI::ExistingFile);
  put->add_option("key", args->key, "object key, relative to the target's prefix")->required();

  CLI::App* get = add_command(*s3, "get", "Download KEY to FILE (written atomically)",
                              "ferry s3 get reports 2016-01/clicks.csv /tmp/clicks.csv", ctx,
                              exit_code, args, run_get);
  get->add_option("target", args->target, target_help)->required();
  get->add_option("key", args->key, "object key, relative to the target's prefix")->required();
  get->add_option("file", args->file, "local file to write")->required();

  CLI::App* presign =
      add_command(*s3, "presign", "Print a presigned GET URL for KEY (and nothing else) on stdout",
                  "ferry s3 presign reports 2016-01/clicks.csv --expires 48h", ctx, exit_code, args,
                  run_presign);
  presign->add_option("target", args->target, target_help)->required();
  presign->add_option("key", args->key, "object key, relative to the target's prefix")->required();
  presign->add_option("--expires", args->expires, "how long the link works, at most 7d")
      ->capture_default_str();
}

}  // namespace ferry::cli
