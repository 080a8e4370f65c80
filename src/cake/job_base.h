// What the two CAKE job handlers share: settings checked once, the client, the cell rules
// (zone and currencies, loaded lazily on the first step), the job's time range, and publishing
// a finished file (upload, digests, presigned link) as a job output. Internal to src/cake/.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ferry/cake/client.h"
#include "ferry/cake/columns.h"
#include "ferry/cake/settings.h"
#include "ferry/cake/windows.h"
#include "ferry/core/registry.h"
#include "ferry/net/object_store.h"
#include "ferry/state/jobs.h"

namespace ferry::cake {

class CakeJobBase : public core::JobHandler {
 public:
  CakeJobBase(core::Services& services, CakeSettings settings, const Timer* timer);

 protected:
  // Checks the settings, loads the zone and the currencies (once per handler). A failure
  // value when any of it goes wrong.
  Status prepare();
  // The job's [start, end) from its from_date/to_date (both days included).
  Result<TimeRange> job_range(const state::Job& job) const;
  WindowPolicy policy(Seconds max_window) const;
  // Uploads `path` as `s3_prefix + name`, and fills `out` (local path `local_path`, size,
  // sha256, rows, a presigned link valid settings.link_expires). Failures keep the kind of the
  // S3 error.
  Status publish(const std::string& path, const std::string& name, int64_t rows,
                 const std::string& local_path, state::JobOutput* out);
  // Runs `fn`, turning OperationError (local files, S3) into a failure value.
  static core::StepResult guarded(const std::function<core::StepResult()>& fn);
  std::string job_label(const state::Job& job) const;
  // The end of the data that is final in this run: Services::now - settings.settle. A unit
  // ending after it is not exported; its job waits until the unit's end + settle.
  TimePoint settled_until() const { return services_.now - settings_.settle; }

  core::Services& services_;
  CakeSettings settings_;
  RealTimer own_timer_;
  const Timer& timer_;
  std::unique_ptr<CallGate> gate_;  // on a shared state only; before client_, which uses it
  std::unique_ptr<CakeClient> client_;
  CellRules rules_;
  bool prepared_ = false;
  std::unique_ptr<net::ObjectStore> store_;
};

}  // namespace ferry::cake
