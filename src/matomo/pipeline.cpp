#include "ferry/matomo/pipeline.h"

#include "ferry/base/error.h"
#include "ferry/config/config.h"
#include "ferry/core/context.h"
#include "ferry/matomo/doctor.h"
#include "ferry/matomo/store.h"
#include "matomo/commands.h"
#include "matomo/job_base.h"
#include "matomo/ops.h"

namespace ferry::matomo {
namespace {

class MatomoPipeline : public core::Pipeline {
 public:
  std::string name() const override { return "matomo"; }
  void declare_config(config::ConfigSchema& schema) const override {
    declare_matomo_config(schema);
  }
  std::vector<core::ConfigProblem> check(const config::Config& config) const override {
    return check_config(config);
  }
  std::vector<state::Migration> migrations() const override { return matomo::migrations(); }
  std::vector<core::DoctorCheck> doctor_checks(core::Context& ctx) const override {
    return matomo::doctor_checks(ctx.config(), ctx.http());
  }

  std::vector<core::StatusSection> status_sections(state::Store& store,
                                                   TimePoint now) const override {
    return matomo::status_sections(store, now);
  }
  std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint now) const override {
    return matomo::metrics(store, now);
  }

  std::vector<core::JobKind> job_kinds() const override {
    core::JobKind kind{
        kImportKind, "Matomo log import, both dates included (upload days): one job per site",
        [](core::Services& s) { return make_import_job(s, read_settings(s.config)); }};
    kind.queue_options = {{"site", "the [[matomo.site]] to import (default: one job per site)"}};
    kind.queue_params = queue_params;
    return {kind};
  }

  std::vector<core::TaskKind> tasks() const override {
    return {{kDailyTask,
             "with matomo.daily: queues one matomo-import job per site for yesterday at "
             "matomo.daily_at",
             [](core::Services& s, const core::TaskArgs& args) {
               if (!args.empty()) throw UsageError(std::string(kDailyTask) + " takes no arguments");
               return make_daily_task(s, read_settings(s.config));
             }}};
  }

  void add_commands(CLI::App& app, core::Context& ctx, int& exit_code) const override {
    add_matomo_commands(app, ctx, exit_code);
  }
};

}  // namespace

std::unique_ptr<core::Pipeline> make_pipeline() {
  return std::make_unique<MatomoPipeline>();
}

std::unique_ptr<core::JobHandler> make_import_job(core::Services& services,
                                                  MatomoSettings settings) {
  return std::make_unique<ImportJob>(services, std::move(settings));
}

}  // namespace ferry::matomo
