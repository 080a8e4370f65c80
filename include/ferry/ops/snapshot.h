// The operator's views of a state: one snapshot read from the state file (runs, jobs, outputs,
// marks, alerts, cumulative totals, schema versions) and from every pipeline's own sections
// and metric families, which the status page (html.h) and the metrics file (metrics.h) render.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/core/ops.h"
#include "ferry/core/pipeline.h"
#include "ferry/state/jobs.h"
#include "ferry/state/runs.h"
#include "ferry/state/views.h"

namespace ferry::ops {

inline constexpr int kChartRuns = 48;  // runs in the duration chart

struct Snapshot {
  TimePoint now{};            // wall clock when read: ages and link expiry are measured from it
  std::string ferry_version;  // "0.1.0"
  std::string state_path;
  int schema_version = 0;
  std::map<std::string, int> component_versions;  // pipeline -> its schema version
  std::vector<state::RunRecord> runs;             // newest first, at most kChartRuns
  std::optional<state::RunRecord> last_finished;
  state::JobCounts job_counts;
  std::vector<state::Job> jobs;            // running, then queued, then failed (newest first each)
  std::vector<state::OutputView> outputs;  // newest first
  std::vector<state::MarkView> marks;
  std::vector<state::AlertView> pending_alerts;
  std::vector<state::AlertView> recent_alerts;
  int64_t alerts_pending = 0;
  std::map<std::string, std::map<std::string, int64_t>> totals;  // TotalStore::all()
  std::vector<core::StatusSection> sections;  // every pipeline's, in pipeline order
  std::vector<core::MetricFamily> pipeline_metrics;
  std::vector<std::string> problems;  // a pipeline whose view could not be read: why

  // True when the state holds no run, job, output, mark or alert.
  bool empty() const;
};

// Reads the snapshot. `now` is the wall clock. A pipeline whose sections or metrics throw is
// left out, with a line in `problems` (and a log warning); the state's own errors are thrown
// (StateError, sql::Error). Every free text (job errors, alert subjects, notes, link
// text) has the configured secrets masked by the store's scrubber.
Snapshot read_snapshot(state::Store& store, const core::PipelineList& pipelines, TimePoint now,
                       const std::string& ferry_version);

// Seconds from `from` to `to` (both ISO-8601 as the state writes them); nullopt when either
// cannot be read.
std::optional<int64_t> seconds_between(const std::string& from, const std::string& to);

// Seconds since the epoch of an ISO-8601 time; nullopt when it cannot be read.
std::optional<int64_t> epoch_seconds(const std::string& iso);

}  // namespace ferry::ops
