#include "cli/job_format.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <tuple>

#include "ferry/base/error.h"

namespace ferry::cli {
namespace {

std::string progress(const state::Job& j) {
  if (j.progress_total == 0 && j.progress_done == 0) return "-";
  return std::to_string(j.progress_done) + "/" + std::to_string(j.progress_total);
}

std::string waiting(const state::Job& j) {
  if (j.status != state::JobStatus::kQueued || j.not_before.empty()) return "";
  return "waiting until " + j.not_before;
}

std::string note(const state::Job& j) {
  if (j.status == state::JobStatus::kRunning) return j.owner.empty() ? "" : "on " + j.owner;
  if (j.status == state::JobStatus::kFailed ||
      (!j.error.empty() && j.status == state::JobStatus::kQueued))
    return j.error;
  return waiting(j);
}

Date parse_one(const std::string& name, const std::string& text) {
  auto d = parse_date(text);
  if (!d)
    throw UsageError(name + ": '" + text +
                     "' is not a valid date; use dd-mm-yyyy (10-01-2016) or yyyy-mm-dd "
                     "(2016-01-10)");
  return *d;
}

}  // namespace

std::string format_jobs_table(const std::vector<state::Job>& jobs) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "KIND", "STATUS", "FROM", "TO", "PROGRESS", "CREATED", "NOTE"}};
  for (const auto& j : jobs)
    rows.push_back({std::to_string(j.id), j.kind, state::status_word(j.status), j.from_date,
                    j.to_date, progress(j), j.created_at, note(j)});
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i + 1 < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  if (jobs.empty()) out += "(no jobs)\n";
  return out;
}

std::string format_job_detail(const state::Job& j) {
  std::string out;
  auto row = [&out](const std::string& k, const std::string& v) {
    if (!v.empty()) out += k + std::string(13 - std::min<size_t>(12, k.size()), ' ') + v + "\n";
  };
  row("id", std::to_string(j.id));
  row("kind", j.kind);
  std::string wait = waiting(j);
  row("status", state::status_word(j.status) + (wait.empty() ? "" : ", " + wait));
  row("from", j.from_date);
  row("to", j.to_date);
  row("running on", j.owner);
  row("progress", progress(j));
  row("attempts", std::to_string(j.attempts) + " (" + std::to_string(j.failures) + " failed" +
                      (j.crashes > 0 ? ", " + std::to_string(j.crashes) + " crashed)" : ")"));
  row("checkpoint", j.checkpoint);
  row("error", j.error);
  row("created", j.created_at);
  row("started", j.started_at);
  row("finished", j.finished_at);
  for (const auto& o : j.outputs) {
    out += "output       " + o.name + " (" + std::to_string(o.size) + " bytes, " +
           std::to_string(o.rows) + " rows)\n";
    if (!o.path.empty()) out += "  file       " + o.path + "\n";
    if (!o.s3_key.empty()) out += "  s3         [" + o.s3_target + "] " + o.s3_key + "\n";
    if (!o.sha256.empty()) out += "  sha256     " + o.sha256 + "\n";
    if (!o.link.empty()) out += "  link       " + o.link + " (until " + o.link_expires_at + ")\n";
  }
  return out;
}

std::string format_jobs_json(const std::vector<state::Job>& jobs) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& j : jobs) {
    nlohmann::json outputs = nlohmann::json::array();
    for (const auto& o : j.outputs)
      outputs.push_back({{"name", o.name},
                         {"path", o.path},
                         {"s3_target", o.s3_target},
                         {"s3_key", o.s3_key},
                         {"size", o.size},
                         {"sha256", o.sha256},
                         {"rows", o.rows},
                         {"link", o.link},
                         {"link_expires_at", o.link_expires_at}});
    arr.push_back({{"id", j.id},
                   {"kind", j.kind},
                   {"status", state::status_word(j.status)},
                   {"from", j.from_date},
                   {"to", j.to_date},
                   {"progress", {{"done", j.progress_done}, {"total", j.progress_total}}},
                   {"error", j.error},
                   {"attempts", j.attempts},
                   {"failures", j.failures},
                   {"crashes", j.crashes},
                   {"created_at", j.created_at},
                   {"started_at", j.started_at},
                   {"finished_at", j.finished_at},
                   {"not_before", j.not_before},
                   {"owner", j.owner},
                   {"outputs", outputs}});
  }
  // Error texts can quote a server's bytes; invalid UTF-8 is replaced rather than thrown on.
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int64_t parse_job_id(const std::string& command, const std::string& text) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  bool ok = !text.empty() && text.size() <= 19;
  int64_t id = 0;
  for (char c : text) {
    if (!ok || c < '0' || c > '9' || id > (kMax - (c - '0')) / 10) {
      ok = false;
      break;
    }
    id = id * 10 + (c - '0');
  }
  if (!ok || id == 0)
    throw UsageError(command + ": '" + text + "' is not a job id (a number from 1 to " +
                     std::to_string(kMax) + ")");
  return id;
}

DateRange parse_date_range(const std::string& from, const std::string& to) {
  DateRange r{parse_one("--from", from), parse_one("--to", to)};
  for (auto [name, text, date] : {std::tuple{"--from", &from, r.from}, {"--to", &to, r.to}})
    if (date.year < kFirstQueueYear || date.year > kLastQueueYear)
      throw UsageError(std::string(name) + " " + *text + ": the year " + std::to_string(date.year) +
                       " is outside " + std::to_string(kFirstQueueYear) + ".." +
                       std::to_string(kLastQueueYear));
  if (r.to < r.from)
    throw UsageError("--from " + from + " is after --to " + to +
                     " (both dates are included; --to must be the same day or later)");
  return r;
}

}  // namespace ferry::cli
