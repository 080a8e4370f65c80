// `ferry report wenet [REPORT...] [--range R | --from T --to T] [--out DIR]
//  [--apps "A;B" --updates FILE --failures FILE]`.
#include <CLI/CLI.hpp>

#include "ferry/base/error.h"
#include "ferry/config/config.h"
#include "ferry/core/commands.h"
#include "ferry/core/context.h"
#include "ferry/wenet/pipeline.h"
#include "ferry/wenet/report_run.h"
#include "wenet/parts.h"

namespace ferry::wenet {
namespace {

struct CommandArgs {
  std::vector<std::string> reports;
  std::string range, from, to, out, apps, updates, failures;
};

// Everything that can be refused before the run lock and any call: settings, report names,
// the window, the inputs (UsageError, exit 2).
int report_now(core::Context& ctx, const CommandArgs& a) {
  WenetSettings settings = read_settings(ctx.config());
  if (Status st = check_settings(settings); !st) throw UsageError(st.failure().message);
  ReportRequest r;
  r.reports = parse_reports(a.reports);
  r.range = a.range;
  r.from = a.from;
  r.to = a.to;
  r.now = ctx.now();
  r.out_dir = a.out;
  r.apps = split_apps(a.apps);
  r.updates = a.updates;
  r.failures = a.failures;
  check_request(r);
  request_window(r, TimeZone::load(settings.timezone));
  return ctx.run_task_now(kTaskName, to_args(r));
}

}  // namespace

void add_wenet_commands(CLI::App& app, core::Context& ctx, int& exit_code) {
  CLI::App* group = core::command_group(app, "report", "write a pipeline's reports now",
                                        "ferry report wenet analytics users --range 7D");
  auto* cmd = group->add_subcommand("wenet", "write WeNet reports for one window now");
  auto a = std::make_shared<CommandArgs>();
  cmd->add_option("reports", a->reports,
                  "analytics, questions, users, tasks, messages, id-email, apps-usage "
                  "(default: the first five)");
  cmd->add_option("--range", a->range,
                  "TODAY, ALL or <N>D|W|M|Y (local midnights, wenet.timezone)");
  cmd->add_option("--from", a->from, "start (ISO 8601 date or time; a date is its local midnight)");
  cmd->add_option("--to", a->to, "end, excluded (ISO 8601 date or time)");
  cmd->add_option("--out", a->out, "folder of the report folder (default wenet.output_dir)");
  cmd->add_option("--apps", a->apps, "apps-usage: the chatbot apps, \"APP1;APP2\"");
  cmd->add_option("--updates", a->updates, "apps-usage: user-updates dump (.csv or .tsv)");
  cmd->add_option("--failures", a->failures, "apps-usage: failures dump (.csv or .tsv)");
  cmd->footer(
      "Fetches everything once and writes the files into <out>/.tmp-<name>/, renamed to\n"
      "<out>/<app_id>_<from>_<to>/ only when all are complete. --from/--to win over --range.\n"
      "Runs under the run lock (another run in progress: exits 0 without doing anything).\n"
      "Example: ferry report wenet --range 1W\n"
      "         ferry report wenet users messages --from 2021-07-24 --to 2021-07-31\n"
      "         ferry report wenet apps-usage --range ALL --apps \"a1;a2\" --updates u.csv");
  cmd->callback([&ctx, &exit_code, a] { exit_code = report_now(ctx, *a); });
}

}  // namespace ferry::wenet
