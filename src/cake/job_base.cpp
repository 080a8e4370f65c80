#include "cake/job_base.h"

#include "ferry/cake/call_gate.h"
#include "ferry/cake/currencies.h"
#include "ferry/toolkit/publish.h"

namespace ferry::cake {

CakeJobBase::CakeJobBase(core::Services& services, CakeSettings settings, const Timer* timer)
    : services_(services), settings_(std::move(settings)), timer_(timer ? *timer : own_timer_) {}

Status CakeJobBase::prepare() {
  if (prepared_) return Status::ok();
  if (auto status = check_settings(settings_); !status) return status.failure();
  rules_.zone = *TimeZone::find(settings_.timezone);  // check_settings found it
  // Several hosts on one state: the instance's concurrency is counted across them.
  if (services_.store.postgres())
    gate_ = std::make_unique<SharedCallGate>(
        services_.store, services_.run_id, "cake:" + settings_.admin_url,
        settings_.max_concurrent_calls, services_.wall, settings_.timeout);
  client_ = std::make_unique<CakeClient>(services_.http, settings_, timer_, gate_.get());
  auto currencies = load_currencies(services_.store, *client_, settings_.admin_url, services_.now);
  if (!currencies.ok()) return *currencies.failure;
  rules_.currencies = std::move(currencies.currencies);
  prepared_ = true;
  return Status::ok();
}

Result<TimeRange> CakeJobBase::job_range(const state::Job& job) const {
  auto from = parse_date(job.from_date);
  auto to = parse_date(job.to_date);
  if (!from || !to || *to < *from)
    return Failure::permanent("cake: job " + std::to_string(job.id) +
                              " has no valid date range ('" + job.from_date + "' to '" +
                              job.to_date + "')");
  return job_time_range(*from, *to);
}

WindowPolicy CakeJobBase::policy(Seconds max_window) const {
  WindowPolicy p;
  p.max_window = max_window;
  p.min_window = settings_.min_window;
  p.row_limit = settings_.row_limit;
  return p;
}

Status CakeJobBase::publish(const std::string& path, const std::string& name, int64_t rows,
                            const std::string& local_path, state::JobOutput* out) {
  try {
    if (!store_) store_ = services_.object_store(settings_.s3);
  } catch (const UsageError& e) {
    return Failure::permanent("cake: upload of " + name + ": " + e.what());
  }
  toolkit::OutputFile file{path, name,       settings_.s3,          settings_.s3_prefix + name,
                           rows, local_path, settings_.link_expires};
  auto published = toolkit::publish_output(*store_, file, services_.wall.now());
  if (!published) return published.failure().with_context("cake: ");
  *out = std::move(*published);
  return Status::ok();
}

core::StepResult CakeJobBase::guarded(const std::function<core::StepResult()>& fn) {
  try {
    return fn();
  } catch (const OperationError& e) {
    return core::StepResult::failed(Failure{e.kind(), std::string("cake: ") + e.what()});
  }
}

std::string CakeJobBase::job_label(const state::Job& job) const {
  return "job " + std::to_string(job.id) + " (" + job.kind + ")";
}

}  // namespace ferry::cake
