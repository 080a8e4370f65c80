// The metrics file: the core's families from the snapshot, then the pipelines', in the
// Prometheus text format.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "ferry/ops/render.h"

namespace ferry::ops {
namespace {

using core::MetricFamily;
using core::MetricSample;

MetricFamily family(const std::string& name, const std::string& type, const std::string& help) {
  return {name, help, type, {}};
}

void add(MetricFamily& f, double value, std::map<std::string, std::string> labels = {}) {
  f.samples.push_back({std::move(labels), value});
}

// totals[counter] as samples labelled `label`, every one of `always` included (0 when absent).
void add_totals(const Snapshot& s, const std::string& counter, const std::string& label,
                const std::vector<std::string>& always, MetricFamily& f) {
  std::map<std::string, int64_t> values;
  for (const auto& name : always) values[name] = 0;
  auto it = s.totals.find(counter);
  if (it != s.totals.end())
    for (const auto& [k, v] : it->second) values[k] += v;
  for (const auto& [k, v] : values) add(f, static_cast<double>(v), {{label, k}});
}

int64_t total(const Snapshot& s, const std::string& counter) {
  auto it = s.totals.find(counter);
  if (it == s.totals.end()) return 0;
  int64_t sum = 0;
  for (const auto& [k, v] : it->second) sum += v;
  return sum;
}

void add_last_run(const Snapshot& s, std::vector<MetricFamily>& out) {
  auto ts = family("ferry_last_run_timestamp_seconds", "gauge",
                   "When the last finished run ended, in seconds since the epoch.");
  auto dur = family("ferry_last_run_duration_seconds", "gauge",
                    "How long the last finished run took, in seconds.");
  auto ok = family("ferry_last_run_success", "gauge",
                   "1 when the last finished run ended ok or interrupted (exit 0), 0 when it "
                   "failed or crashed.");
  if (const auto& r = s.last_finished) {
    if (auto end = epoch_seconds(r->finished_at)) add(ts, static_cast<double>(*end));
    if (auto d = seconds_between(r->started_at, r->finished_at)) add(dur, static_cast<double>(*d));
    add(ok, r->outcome == "ok" || r->outcome == "interrupted" ? 1 : 0);
  }
  out.push_back(std::move(ts));
  out.push_back(std::move(dur));
  out.push_back(std::move(ok));
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string help_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Why `f` cannot be written; "" when it can.
std::string invalid(const MetricFamily& f) {
  if (!valid_metric_name(f.name)) return "invalid metric name";
  if (f.type != "counter" && f.type != "gauge") return "type must be counter or gauge";
  for (const auto& sample : f.samples)
    for (const auto& [k, v] : sample.labels)
      if (!valid_label_name(k)) return "invalid label name '" + k + "'";
  return "";
}

void write_family(const MetricFamily& f, std::string& out) {
  out += "# HELP " + f.name + " " + help_escape(f.help) + "\n";
  out += "# TYPE " + f.name + " " + f.type + "\n";
  std::set<std::map<std::string, std::string>> seen;
  for (const auto& sample : f.samples) {
    if (!seen.insert(sample.labels).second) continue;  // a series once
    out += f.name;
    if (!sample.labels.empty()) {
      out += "{";
      bool first = true;
      for (const auto& [k, v] : sample.labels) {
        out += (first ? "" : ",") + k + "=\"" + prom_label_escape(v) + "\"";
        first = false;
      }
      out += "}";
    }
    out += " " + format_value(sample.value) + "\n";
  }
}

}  // namespace

std::vector<MetricFamily> core_metrics(const Snapshot& s) {
  std::vector<MetricFamily> out;
  add_last_run(s, out);
  auto runs = family("ferry_runs_total", "counter", "Runs ended, by outcome.");
  add_totals(s, "runs", "outcome", {"ok", "failed", "interrupted", "crashed"}, runs);
  out.push_back(std::move(runs));
  auto jobs = family("ferry_jobs", "gauge", "Jobs in the state, by status.");
  const auto& c = s.job_counts;
  add(jobs, static_cast<double>(c.queued), {{"status", "queued"}});
  add(jobs, static_cast<double>(c.running), {{"status", "running"}});
  add(jobs, static_cast<double>(c.succeeded), {{"status", "succeeded"}});
  add(jobs, static_cast<double>(c.failed), {{"status", "failed"}});
  add(jobs, static_cast<double>(c.cancelled), {{"status", "cancelled"}});
  out.push_back(std::move(jobs));
  auto failures = family("ferry_job_failures_total", "counter",
                         "Jobs that failed for good (after their tries), by job kind.");
  add_totals(s, "job_failures", "kind", {}, failures);
  out.push_back(std::move(failures));
  auto units =
      family("ferry_units_total", "counter",
             "Units of work done (a job's checkpointed unit, a task's step), by pipeline.");
  add_totals(s, "units", "pipeline", {}, units);
  out.push_back(std::move(units));
  auto rows = family("ferry_rows_total", "counter", "Data rows written to outputs, by pipeline.");
  add_totals(s, "rows", "pipeline", {}, rows);
  out.push_back(std::move(rows));
  auto bytes =
      family("ferry_bytes_uploaded_total", "counter", "Bytes of job outputs uploaded to S3.");
  add(bytes, static_cast<double>(total(s, "bytes_uploaded")));
  out.push_back(std::move(bytes));
  auto pending = family("ferry_alerts_pending", "gauge", "Alerts in the outbox not yet mailed.");
  add(pending, static_cast<double>(s.alerts_pending));
  out.push_back(std::move(pending));
  auto sent = family("ferry_alerts_sent_total", "counter", "Alert mails sent.");
  add(sent, static_cast<double>(total(s, "alerts_sent")));
  out.push_back(std::move(sent));
  auto age = family("ferry_mark_age_seconds", "gauge",
                    "Seconds since each high-water mark last moved, by source and stream.");
  const int64_t now = std::chrono::duration_cast<Seconds>(s.now.time_since_epoch()).count();
  for (const auto& m : s.marks)
    if (auto at = epoch_seconds(m.updated_at))
      add(age, static_cast<double>(now - *at), {{"source", m.source}, {"stream", m.stream}});
  out.push_back(std::move(age));
  return out;
}

std::string render_metrics(const Snapshot& s) {
  std::string out;
  std::set<std::string> names;
  for (const auto& f : core_metrics(s)) {
    names.insert(f.name);
    write_family(f, out);
  }
  for (const auto& f : s.pipeline_metrics) {
    std::string why = invalid(f);
    if (why.empty() && !names.insert(f.name).second) why = "a family of that name was written";
    if (!why.empty()) {
      spdlog::warn("metrics: {} left out: {}", f.name, why);
      continue;
    }
    write_family(f, out);
  }
  return out;
}

}  // namespace ferry::ops
