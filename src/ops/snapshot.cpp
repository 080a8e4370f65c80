#include "ferry/ops/snapshot.h"

#include <spdlog/spdlog.h>

#include "ferry/state/alerts.h"

namespace ferry::ops {
namespace {

constexpr int kFailedJobs = 50;
constexpr int kQueuedJobs = 100;
constexpr int kOutputs = 30;
constexpr int kMarks = 200;
constexpr int kAlerts = 20;

void add_jobs(state::JobStore& jobs, const std::string& status, int limit, TimePoint now,
              std::vector<state::Job>& out) {
  state::JobStore::ListFilter filter;
  filter.all = true;
  filter.status = status;
  filter.limit = limit;
  for (auto& j : jobs.list(filter, now)) {
    j.outputs.clear();  // the page lists recent outputs on their own
    out.push_back(std::move(j));
  }
}

// The pipelines' sections and metrics; one that throws is named in `problems`.
void read_pipelines(state::Store& store, const core::PipelineList& pipelines, TimePoint now,
                    Snapshot& s) {
  for (const auto& p : pipelines) {
    try {
      auto sections = p->status_sections(store, now);
      auto metrics = p->metrics(store, now);
      s.sections.insert(s.sections.end(), sections.begin(), sections.end());
      s.pipeline_metrics.insert(s.pipeline_metrics.end(), metrics.begin(), metrics.end());
    } catch (const std::exception& e) {
      const std::string why = p->name() + ": its view could not be read: " + store.scrub(e.what());
      spdlog::warn("status: {}", why);
      s.problems.push_back(why);
    }
    int v = store.component_version(p->name());
    if (v > 0) s.component_versions[p->name()] = v;
  }
}

}  // namespace

bool Snapshot::empty() const {
  return runs.empty() && jobs.empty() && outputs.empty() && marks.empty() &&
         pending_alerts.empty() && recent_alerts.empty() &&
         job_counts.succeeded + job_counts.cancelled == 0;
}

std::optional<int64_t> epoch_seconds(const std::string& iso) {
  auto t = parse_iso8601(iso);
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<Seconds>(t->time_since_epoch()).count();
}

std::optional<int64_t> seconds_between(const std::string& from, const std::string& to) {
  auto a = epoch_seconds(from), b = epoch_seconds(to);
  if (!a || !b) return std::nullopt;
  return *b - *a;
}

Snapshot read_snapshot(state::Store& store, const core::PipelineList& pipelines, TimePoint now,
                       const std::string& ferry_version) {
  Snapshot s;
  s.now = now;
  s.ferry_version = ferry_version;
  s.state_path = store.path();
  s.schema_version = store.schema_version();
  state::RunStore runs(store);
  s.runs = runs.recent(kChartRuns);
  s.last_finished = runs.last_finished();
  state::JobStore jobs(store);
  s.job_counts = jobs.counts();
  add_jobs(jobs, "running", kQueuedJobs, now, s.jobs);
  add_jobs(jobs, "queued", kQueuedJobs, now, s.jobs);
  add_jobs(jobs, "failed", kFailedJobs, now, s.jobs);
  state::ViewStore views(store);
  s.outputs = views.recent_outputs(kOutputs);
  s.marks = views.marks(kMarks);
  s.pending_alerts = views.pending_alerts(kAlerts);
  s.recent_alerts = views.recent_alerts(kAlerts);
  s.alerts_pending = state::AlertStore(store).count_pending();
  s.totals = state::TotalStore(store).all();
  for (auto& r : s.runs) r.note = store.scrub(r.note);
  if (s.last_finished) s.last_finished->note = store.scrub(s.last_finished->note);
  for (auto& j : s.jobs) j.error = store.scrub(j.error);
  read_pipelines(store, pipelines, now, s);
  return s;
}

}  // namespace ferry::ops
