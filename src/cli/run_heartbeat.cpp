#include "cli/run_heartbeat.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "ferry/config/config.h"
#include "ferry/net/curl_http.h"

namespace ferry::cli {
namespace {

void log_ping(const char* which, const std::string& problem) {
  if (problem.empty())
    spdlog::debug("heartbeat: {} ping sent", which);
  else
    spdlog::warn("heartbeat: {} ping failed: {}", which, problem);
}

std::chrono::milliseconds since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               t0);
}

}  // namespace

RunHeartbeat::RunHeartbeat(const config::Config& config, bool enabled)
    : started_(std::chrono::steady_clock::now()) {
  const auto& table = config.table("heartbeat");
  if (!enabled || table.str("url").empty()) return;
  net::HeartbeatOptions options;
  options.url = table.str("url");
  options.timeout = table.duration("timeout");
  scrub_ = Scrubber(config.secret_values());
  http_ = net::make_curl_http_client();
  try {
    heartbeat_ = std::make_unique<net::Heartbeat>(*http_, options, net::random_uuid());
  } catch (const std::exception& e) {
    spdlog::warn("heartbeat: no pings this run: {}", e.what());
    return;
  }
  log_ping("start", heartbeat_->start());
}

RunHeartbeat::~RunHeartbeat() = default;

void RunHeartbeat::end(const core::RunReport& report) {
  if (!heartbeat_) return;
  std::string summary = scrub_(run_summary(report, since(started_)));
  if (report.failed())
    log_ping("fail", heartbeat_->fail(summary));
  else
    log_ping("success", heartbeat_->success(summary));
  heartbeat_.reset();
}

void RunHeartbeat::end_badly(const std::string& error) {
  if (!heartbeat_) return;
  log_ping("fail", heartbeat_->fail(scrub_("ferry run stopped: " + error + "\n")));
  heartbeat_.reset();
}

std::string run_summary(const core::RunReport& r, std::chrono::milliseconds took) {
  std::string out = fmt::format(
      "run {} {} in {:.1f} s: {} units done, {} failed; {} jobs finished, {} failed; {} mails "
      "sent",
      r.run_id, r.outcome(), static_cast<double>(took.count()) / 1000.0, r.counts.units_done,
      r.counts.units_failed, r.counts.jobs_finished, r.counts.jobs_failed, r.counts.alerts_sent);
  if (r.interrupted) out += "; the rest continues next run";
  if (!r.state_full.empty()) out += "; stopped: " + r.state_full;
  return out + "\n";
}

}  // namespace ferry::cli
