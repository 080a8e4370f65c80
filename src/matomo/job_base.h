// The matomo-import handler (see pipeline.h): job.cpp lists and imports, job_day.cpp closes a
// day (archive ZIP, archive_command). Internal to src/matomo/.
#pragma once

#include <memory>
#include <string>

#include "ferry/base/zone.h"
#include "ferry/core/registry.h"
#include "ferry/matomo/client.h"
#include "ferry/matomo/hits.h"
#include "ferry/matomo/import.h"
#include "ferry/matomo/log_parser.h"
#include "ferry/matomo/settings.h"
#include "ferry/matomo/store.h"
#include "ferry/net/object_store.h"
#include "ferry/state/jobs.h"

namespace ferry::matomo {

// Days from `a` to `b` (b - a).
int64_t days_between(const Date& a, const Date& b);

class ImportJob : public core::JobHandler {
 public:
  ImportJob(core::Services& services, MatomoSettings settings)
      : services_(services), settings_(std::move(settings)) {}
  core::StepResult step(state::Job& job) override;

 private:
  core::StepResult step_unguarded(state::Job& job);
  // Settings, site, zone, range and S3 targets, once per handler.
  Status prepare(const state::Job& job);
  // Records the day's objects (one unit).
  Status list_day(const state::Job& job, const Date& day);
  // The Matomo client and the hit options (the site's main URL), once per handler.
  Status connect();
  void alert_refused(const std::string& message);
  Status import_object(const state::Job& job, ObjectRecord o);
  Result<ImportCounts> send_object(const ObjectRecord& o, const std::string& path);
  // Where an object is kept until archived: work_dir/SITE/DAY/SEQ-NAME.
  std::string local_path(const ObjectRecord& o) const;
  std::string day_dir(const std::string& day) const;
  // Downloads the object unless `path` already holds it (same size).
  Status download(const ObjectRecord& o, const std::string& path);
  // Archive and archive_command of a finished day: kDone, kWait (upload failed) or kFailed.
  core::StepResult close_day(const state::Job& job, const Date& day);
  Status archive_day(const Date& day);
  void run_archive_command(const Date& day);

  core::Services& services_;
  MatomoSettings settings_;
  bool prepared_ = false;
  SiteSettings site_;
  LogFormat format_ = LogFormat::kAuto;
  TimeZone zone_;
  Date from_, to_;
  std::string listed_;  // the day listed by this handler
  std::unique_ptr<net::ObjectStore> pull_, push_;
  std::unique_ptr<Client> client_;
  HitOptions hit_options_;
};

}  // namespace ferry::matomo
