// `ferry import matomo --site NAME [--dry-run] FILE...` and
// `ferry stats matomo [--site NAME] [--from D --to D] [--csv]`.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <memory>

#include "ferry/base/error.h"
#include "ferry/base/interrupt.h"
#include "ferry/config/config.h"
#include "ferry/core/commands.h"
#include "ferry/core/context.h"
#include "ferry/matomo/client.h"
#include "ferry/matomo/import.h"
#include "ferry/matomo/sender.h"
#include "ferry/matomo/settings.h"
#include "ferry/matomo/stats.h"
#include "ferry/matomo/store.h"
#include "matomo/commands.h"

namespace ferry::matomo {
namespace {

using core::Context;

struct ImportArgs {
  std::string site;
  bool dry_run = false;
  std::vector<std::string> files;
};

const SiteSettings& find_site(const MatomoSettings& s, const std::string& name) {
  if (const SiteSettings* site = s.site(name)) return *site;
  std::string names;
  for (const auto& site : s.sites) names += (names.empty() ? "" : ", ") + site.name;
  throw UsageError("no [[matomo.site]] named '" + name +
                   "' (configured: " + (names.empty() ? "none" : names) + ")");
}

// The hit options of `site`: its main_url from config, from Matomo, or (dry run without one)
// https:// and the site's name.
Result<HitOptions> hit_options(const MatomoSettings& s, const SiteSettings& site, Client* client) {
  HitOptions o;
  o.idsite = site.idsite;
  o.main_url = site.main_url;
  o.enable_static = s.enable_static;
  o.enable_bots = s.enable_bots;
  o.enable_http_errors = s.enable_http_errors;
  o.enable_http_redirects = s.enable_http_redirects;
  if (!o.main_url.empty()) return o;
  if (!client) {
    o.main_url = "https://" + site.name;
    return o;
  }
  auto got = client->main_url(site.idsite);
  if (!got) return got.failure();
  o.main_url = *got;
  return o;
}

// Imports one file; prints its summary. False when sending failed.
bool import_one(const std::string& file, const ImportOptions& options, Client* client,
                const MatomoSettings& s) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  Result<ImportCounts> counts = Failure::permanent("");
  if (client) {
    SenderOptions so;
    so.recorders = s.recorders;
    so.batch_size = s.batch_size;
    so.max_attempts = s.job_attempts;
    so.retry_delay = s.retry_delay;
    Sender sender(
        [client](const std::vector<std::string_view>& hits) { return client->send_bulk(hits); }, so,
        [](const WaveCommit&) {});
    counts = import_file(file, options, &sender);
  } else {
    counts = import_file(file, options, nullptr);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!counts) {
    std::cerr << "ferry: import of " << file << " failed: " << counts.failure().message << "\n";
    return false;
  }
  std::cout << file << ":\n" << format_summary(*counts, seconds, client == nullptr);
  return true;
}

int import_matomo(Context& ctx, const ImportArgs& a) {
  MatomoSettings s = read_settings(ctx.config());
  const SiteSettings& site = find_site(s, a.site);
  auto format = parse_log_format(site.format);
  if (!format) throw UsageError("[[matomo.site]] '" + site.name + "': unknown format");
  std::unique_ptr<Client> client;
  if (!a.dry_run) {
    if (auto st = check_settings(s); !st) throw UsageError(st.failure().message);
    client = std::make_unique<Client>(
        ctx.http(), ClientOptions{s.url, s.token_auth, s.connect_timeout, s.timeout});
  }
  auto hits = hit_options(s, site, client.get());
  if (!hits) {
    std::cerr << "ferry: matomo: " << site.name << ": " << hits.failure().message << "\n";
    return kExitWorkFailed;
  }
  ImportOptions options;
  options.format = *format;
  options.hits = *hits;
  options.should_stop = [] { return stop_requested(); };
  bool ok = true;
  for (const auto& file : a.files) {
    if (!import_one(file, options, client.get(), s)) ok = false;
    if (stop_requested()) break;
  }
  return ok ? kExitOk : kExitWorkFailed;
}

struct StatsArgs {
  std::string site, from, to;
  bool csv = false;
};

int stats_matomo(Context& ctx, const StatsArgs& a) {
  std::string from, to;
  if (!a.from.empty() || !a.to.empty()) {
    auto f = parse_date(a.from.empty() ? a.to : a.from);
    auto t = parse_date(a.to.empty() ? a.from : a.to);
    if (!f || !t) throw UsageError("stats: dates are dd-mm-yyyy or yyyy-mm-dd");
    if (*t < *f) throw UsageError("stats: --to is before --from");
    from = format_date(*f);
    to = format_date(*t);
  }
  auto rows = MatomoStore(ctx.store()).stats(a.site, from, to);
  std::cout << (a.csv ? format_stats_csv(rows) : format_stats_table(rows));
  return kExitOk;
}

}  // namespace

void add_matomo_commands(CLI::App& app, Context& ctx, int& exit_code) {
  CLI::App* imp = core::command_group(app, "import", "import files into a pipeline now",
                                      "ferry import matomo --site example.org access.log.gz");
  auto* im = imp->add_subcommand("matomo", "import web server logs into Matomo now");
  auto args = std::make_shared<ImportArgs>();
  im->add_option("--site", args->site, "the [[matomo.site]] (its name)")->required();
  im->add_flag("--dry-run", args->dry_run, "parse and build every hit, send nothing");
  im->add_option("files", args->files, "plain, .gz, .bz2 or .zip log files")->required();
  im->footer(
      "Reads each file as a stream (every member of a ZIP, in name order), sends its hits to\n"
      "Matomo's bulk tracking API and prints a summary per file. Exit 0 when every hit was sent\n"
      "and confirmed (invalid lines are reported, not failures), 1 when sending failed. Nothing\n"
      "is recorded in the state: importing a file twice stores its hits twice.\n"
      "Example: ferry import matomo --site example.org --dry-run access.log.gz");
  im->callback([&ctx, &exit_code, args] { exit_code = import_matomo(ctx, *args); });

  CLI::App* st =
      core::command_group(app, "stats", "statistics a pipeline keeps", "ferry stats matomo --csv");
  auto* sm = st->add_subcommand("matomo", "per site and day: files, bytes, lines, hits");
  auto sargs = std::make_shared<StatsArgs>();
  sm->add_option("--site", sargs->site, "only this site");
  sm->add_option("--from", sargs->from, "first day (upload day), dd-mm-yyyy or yyyy-mm-dd");
  sm->add_option("--to", sargs->to, "last day (included)");
  sm->add_flag("--csv", sargs->csv, "CSV, every field quoted, one row per site and day");
  sm->footer("Example: ferry stats matomo --site example.org --from 2015-03-01 --to 2015-03-31");
  sm->callback([&ctx, &exit_code, sargs] { exit_code = stats_matomo(ctx, *sargs); });
}

}  // namespace ferry::matomo
