#include "cake/job_base.h"

#include "ferry/cake/currencies.h"
#include "ferry/crypto/hash.h"

namespace ferry::cake {

CakeJobBase::CakeJobBase(core::Services& services, CakeSettings settings, const Timer* timer)
    : services_(services), settings_(std::move(settings)), timer_(timer ? *timer : own_timer_) {}

std::optional<Failure> CakeJobBase::prepare() {
  if (prepared_) return std::nullopt;
  if (auto failure = check_settings(settings_)) return failure;
  auto zone = TimeZone::find(settings_.timezone);
  if (!zone)
    return Failure::permanent("cake: [cake] timezone: unknown time zone '" + settings_.timezone +
                              "' (an IANA name such as America/New_York)");
  rules_.zone = *zone;
  client_ = std::make_unique<CakeClient>(services_.http, settings_, timer_);
  auto currencies = load_currencies(services_.store, *client_, settings_.admin_url, services_.now);
  if (!currencies.ok()) return currencies.failure;
  rules_.currencies = std::move(currencies.currencies);
  prepared_ = true;
  return std::nullopt;
}

std::optional<Failure> CakeJobBase::job_range(const state::Job& job, TimeRange* range) const {
  auto from = parse_date(job.from_date);
  auto to = parse_date(job.to_date);
  if (!from || !to || *to < *from)
    return Failure::permanent("cake: job " + std::to_string(job.id) +
                              " has no valid date range ('" + job.from_date + "' to '" +
                              job.to_date + "')");
  *range = job_time_range(*from, *to);
  return std::nullopt;
}

WindowPolicy CakeJobBase::policy(Seconds max_window) const {
  WindowPolicy p;
  p.max_window = max_window;
  p.min_window = settings_.min_window;
  p.row_limit = settings_.row_limit;
  return p;
}

std::optional<Failure> CakeJobBase::publish(const std::string& path, const std::string& name,
                                            int64_t rows, const std::string& local_path,
                                            state::JobOutput* out) {
  std::string key = settings_.s3_prefix + name;
  try {
    if (!store_) store_ = services_.object_store(settings_.s3);
    crypto::FileDigests digests = crypto::file_digests(path);
    store_->put_file(key, path);
    out->name = name;
    out->path = local_path;
    out->s3_target = settings_.s3;
    out->s3_key = key;
    out->size = static_cast<int64_t>(digests.bytes);
    out->sha256 = crypto::hex_encode(digests.sha256);
    out->rows = rows;
    out->link = store_->presign_get(key, settings_.link_expires, services_.now);
    out->link_expires_at = format_iso8601(services_.now + settings_.link_expires);
  } catch (const OperationError& e) {
    return Failure{e.kind(),
                   "cake: upload of " + name + " to S3 target '" + settings_.s3 + "': " + e.what()};
  } catch (const UsageError& e) {
    return Failure::permanent("cake: upload of " + name + ": " + e.what());
  }
  return std::nullopt;
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
