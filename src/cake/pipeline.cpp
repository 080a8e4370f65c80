#include "ferry/cake/pipeline.h"

#include "cake/ops.h"
#include "ferry/base/error.h"
#include "ferry/cake/doctor.h"
#include "ferry/cake/store.h"
#include "ferry/config/config.h"
#include "ferry/core/context.h"

namespace ferry::cake {
namespace {

class CakePipeline : public core::Pipeline {
 public:
  std::string name() const override { return "cake"; }
  void declare_config(config::ConfigSchema& schema) const override { declare_cake_config(schema); }
  std::vector<core::ConfigProblem> check(const config::Config& config) const override {
    return check_config(config);
  }
  std::vector<state::Migration> migrations() const override { return cake::migrations(); }
  std::vector<core::DoctorCheck> doctor_checks(core::Context& ctx) const override {
    return cake::doctor_checks(ctx.config(), ctx.http());
  }

  std::vector<core::StatusSection> status_sections(state::Store& store,
                                                   TimePoint now) const override {
    return cake::status_sections(store, now);
  }
  std::vector<core::MetricFamily> metrics(state::Store& store, TimePoint now) const override {
    return cake::metrics(store, now);
  }

  std::vector<core::JobKind> job_kinds() const override {
    return {
        {kClicksKind,
         "CAKE clicks, both dates included: one ClickReport_DDMMYYYY_HHMM_HHMM.csv per hour to S3",
         [](core::Services& s) { return make_clicks_job(s, read_settings(s.config)); },
         {},
         {},
         {},
         /*independent_units=*/true},
        {kConversionsKind,
         "CAKE conversions, both dates included: one report_DDMMYYYY_DDMMYYYY.csv per job to S3",
         [](core::Services& s) { return make_conversions_job(s, read_settings(s.config)); },
         [](const config::Config& c, io::Env& env, const state::Job& job) {
           remove_conversions_partial(read_settings(c), env, job);
         }},
    };
  }

  std::vector<core::TaskKind> tasks() const override {
    return {{kDailyTask,
             "with cake.daily: queues yesterday's clicks and conversions jobs at cake.daily_at",
             [](core::Services& s, const core::TaskArgs& args) {
               if (!args.empty()) throw UsageError(std::string(kDailyTask) + " takes no arguments");
               return make_daily_task(s, read_settings(s.config));
             }}};
  }
};

}  // namespace

std::unique_ptr<core::Pipeline> make_pipeline() {
  return std::make_unique<CakePipeline>();
}

}  // namespace ferry::cake
