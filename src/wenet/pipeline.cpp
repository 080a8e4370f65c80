#include "ferry/wenet/pipeline.h"

#include "ferry/config/config.h"
#include "ferry/core/context.h"
#include "ferry/wenet/doctor.h"
#include "ferry/wenet/report_run.h"
#include "ferry/wenet/settings.h"
#include "ferry/wenet/store.h"
#include "wenet/ops.h"
#include "wenet/parts.h"

namespace ferry::wenet {
namespace {

class WenetPipeline : public core::Pipeline {
 public:
  std::string name() const override { return "wenet"; }
  void declare_config(config::ConfigSchema& schema) const override { declare_wenet_config(schema); }
  std::vector<core::ConfigProblem> check(const config::Config& config) const override {
    return check_config(config);
  }
  std::vector<state::Migration> migrations() const override { return wenet::migrations(); }
  std::vector<core::DoctorCheck> doctor_checks(core::Context& ctx) const override {
    return wenet::doctor_checks(ctx.config(), ctx.http());
  }

  std::vector<core::StatusSection> status_sections(state::Store& store,
                                                   TimePoint now) const override {
    return wenet::status_sections(store, now);
  }
  std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint now) const override {
    return wenet::metrics(store, now);
  }

  std::vector<core::JobKind> job_kinds() const override {
    return {{kReportKind,
             "WeNet reports of whole days (both included): the five main reports in "
             "<app_id>_<from>_<to>/, uploaded with wenet.s3",
             [](core::Services& s) {
               return make_report_job(s, read_settings(s.config), run_tools(s));
             }}};
  }

  std::vector<core::TaskKind> tasks() const override {
    return {{kTaskName,
             "with wenet.daily: queues a wenet-report job of wenet.daily_range at "
             "wenet.daily_at",
             [](core::Services& s, const core::TaskArgs& args) {
               return make_wenet_task(s, read_settings(s.config), args, run_tools(s));
             }}};
  }

  void add_commands(CLI::App& app, core::Context& ctx, int& exit_code) const override {
    add_wenet_commands(app, ctx, exit_code);
  }
};

}  // namespace

std::unique_ptr<core::Pipeline> make_pipeline() {
  return std::make_unique<WenetPipeline>();
}

}  // namespace ferry::wenet
