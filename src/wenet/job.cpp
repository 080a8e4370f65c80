// The `wenet-report` job kind (see parts.h).
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "ferry/crypto/hash.h"
#include "ferry/net/object_store.h"
#include "ferry/state/jobs.h"
#include "ferry/toolkit/publish.h"
#include "ferry/wenet/report_run.h"
#include "wenet/parts.h"

namespace ferry::wenet {
namespace {

class ReportJob : public core::JobHandler {
 public:
  ReportJob(core::Services& services, WenetSettings settings, RunTools tools)
      : services_(services), settings_(std::move(settings)), tools_(std::move(tools)) {}

  core::StepResult step(state::Job& job) override {
    if (Status st = check_settings(settings_); !st) return core::StepResult::failed(st.failure());
    auto request = job_request(job);
    if (!request) return core::StepResult::failed(request.failure());
    auto outcome = run_report(services_, settings_, *request, tools_);
    if (!outcome) return core::StepResult::failed(outcome.failure());
    std::vector<state::JobOutput> outputs;
    for (const auto& file : outcome->files) {
      auto out = output(*outcome, file);
      if (!out) return core::StepResult::failed(out.failure());
      outputs.push_back(std::move(*out));
    }
    state::JobStore(services_.store).commit_unit(job.id, "", 1, 1, outputs, services_.wall.now());
    return core::StepResult::done();
  }

 private:
  Result<ReportRequest> job_request(const state::Job& job) {
    auto from = parse_date(job.from_date);
    auto to = parse_date(job.to_date);
    if (!from || !to || *to < *from)
      return Failure::permanent("wenet: job " + std::to_string(job.id) +
                                " has no valid date range ('" + job.from_date + "' to '" +
                                job.to_date + "')");
    ReportRequest r;
    r.reports = default_reports();
    const std::string end = format_date(add_days(*to, 1));
    auto params = nlohmann::json::parse(job.params, nullptr, false);
    if (params.is_object() && params.value("range", "") == "ALL") {
      TimeZone zone = TimeZone::load(settings_.timezone);
      r.range = "ALL";
      r.now = zone.local_midnight(add_days(*to, 1));
    } else {
      r.from = format_date(*from);
      r.to = end;
    }
    return r;
  }

  // The job output of `file`: uploaded when wenet.s3 is set, else only its local facts.
  Result<state::JobOutput> output(const ReportOutcome& outcome, const std::string& file) {
    const std::string path = outcome.folder + "/" + file;
    auto rows = outcome.rows.count(file) ? outcome.rows.at(file) : 0;
    if (settings_.s3.empty()) {
      state::JobOutput o;
      o.name = outcome.name + "/" + file;
      o.path = path;
      auto digests = crypto::file_digests(path);
      o.size = static_cast<int64_t>(digests.bytes);
      o.sha256 = crypto::hex_encode(digests.sha256);
      o.rows = rows;
      return o;
    }
    try {  // OperationError (a file that cannot be read) is the caller's
      if (!s3_) s3_ = services_.object_store(settings_.s3);
    } catch (const UsageError& e) {
      return Failure::permanent(std::string("wenet: upload of ") + file + ": " + e.what());
    }
    toolkit::OutputFile f{path,
                          outcome.name + "/" + file,
                          settings_.s3,
                          settings_.s3_prefix + outcome.name + "/" + file,
                          rows,
                          path,
                          settings_.link_expires};
    auto published = toolkit::publish_output(*s3_, f, services_.wall.now());
    if (!published) return published.failure().with_context("wenet: ");
    return std::move(*published);
  }

  core::Services& services_;
  WenetSettings settings_;
  RunTools tools_;
  std::unique_ptr<net::ObjectStore> s3_;
};

}  // namespace

std::unique_ptr<core::JobHandler> make_report_job(core::Services& services, WenetSettings settings,
                                                  RunTools tools) {
  return std::make_unique<ReportJob>(services, std::move(settings), std::move(tools));
}

}  // namespace ferry::wenet
