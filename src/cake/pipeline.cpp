#include "ferry/cake/pipeline.h"

#include "ferry/config/config.h"

namespace ferry::cake {

void register_cake(core::Registry& registry, config::ConfigSchema& schema) {
  declare_cake_config(schema);
  registry.add_job_kind(
      {kClicksKind,
       "CAKE clicks, both dates included: one ClickReport_DDMMYYYY_HHMM_HHMM.csv per hour to S3",
       [](core::Services& s) { return make_clicks_job(s, read_settings(s.config)); }});
  registry.add_job_kind(
      {kConversionsKind,
       "CAKE conversions, both dates included: one report_DDMMYYYY_DDMMYYYY.csv per job to S3",
       [](core::Services& s) { return make_conversions_job(s, read_settings(s.config)); }});
  registry.add_task(
      {kDailyTask,
       "with cake.daily: queues yesterday's clicks and conversions jobs at "
       "cake.daily_at",
       [](core::Services& s) { return make_daily_task(s, read_settings(s.config)); }});
}

}  // namespace ferry::cake
