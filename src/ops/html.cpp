// The status page: one self-contained HTML document (inline CSS, no script, nothing external).
#include <cstdio>

#include "ferry/ops/render.h"

namespace ferry::ops {
namespace {

const char* kStyle = R"css(
*{box-sizing:border-box}
body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;
color:#1b1f24;background:#fff}
h1{font-size:1.4em;margin:0 0 4px}h2{font-size:1.1em;margin:20px 0 6px;border-bottom:1px solid #d0d7de}
.meta{color:#57606a;font-size:.9em;margin:0 0 8px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;white-space:nowrap}
td.num{text-align:right;white-space:nowrap}
td.reason{color:#a40e26;min-width:12em}
.empty{color:#57606a;font-style:italic}
.b{display:inline-block;padding:0 6px;border-radius:8px;font-size:.85em;color:#fff;background:#57606a}
.ok,.succeeded{background:#1a7f37}.failed,.crashed{background:#cf222e}
.interrupted,.queued,.pending{background:#9a6700}.running{background:#0969da}
.bar{display:inline-block;width:60px;height:8px;background:#eaeef2;border-radius:4px;overflow:hidden;
vertical-align:middle;margin-right:4px}.bar i{display:block;height:100%;background:#0969da}
.expired{color:#cf222e}
svg{width:100%;height:120px;display:block;background:#f6f8fa}
a{color:#0969da;overflow-wrap:anywhere}a.dl{white-space:nowrap}
@media (max-width:600px){body{padding:8px;font-size:14px}th,td{padding:3px 4px}}
)css";

std::string e(std::string_view t) {
  return html_escape(t);
}

bool is_url(const std::string& t) {
  return t.rfind("https://", 0) == 0 || t.rfind("http://", 0) == 0;
}

std::string badge(const std::string& word) {
  return "<span class=\"b " + e(word) + "\">" + e(word) + "</span>";
}

std::string duration_text(std::optional<int64_t> s) {
  if (!s) return "";
  if (*s < 60) return std::to_string(*s) + " s";
  if (*s < 3600) return std::to_string(*s / 60) + " m " + std::to_string(*s % 60) + " s";
  return std::to_string(*s / 3600) + " h " + std::to_string(*s % 3600 / 60) + " m";
}

std::string size_text(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

// A table: `head` cells (escaped here), rows of ready HTML cells; `empty` when no rows.
std::string table(const std::string& id, const std::vector<std::string>& head,
                  const std::vector<std::string>& rows, const std::string& empty) {
  if (rows.empty()) return "<p class=\"empty\" id=\"" + id + "-empty\">" + e(empty) + "</p>\n";
  std::string out = "<div class=\"scroll\"><table id=\"" + id + "\"><thead><tr>";
  for (const auto& h : head) out += "<th>" + e(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& r : rows) out += "<tr>" + r + "</tr>\n";
  return out + "</tbody></table></div>\n";
}

std::string td(const std::string& text, const char* cls = nullptr) {
  return std::string("<td") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + e(text) +
         "</td>";
}

std::string chart(const Snapshot& s) {
  if (s.runs.empty()) return "";
  std::vector<const state::RunRecord*> runs;  // oldest first
  for (auto it = s.runs.rbegin(); it != s.runs.rend(); ++it) runs.push_back(&*it);
  int64_t longest = 1;
  for (const auto* r : runs)
    if (auto d = seconds_between(r->started_at, r->finished_at)) longest = std::max(longest, *d);
  const double slot = 480.0 / kChartRuns;
  std::string out =
      "<svg viewBox=\"0 0 480 100\" preserveAspectRatio=\"none\" role=\"img\" "
      "aria-label=\"durations of the last " +
      std::to_string(runs.size()) + " runs, longest " + e(duration_text(longest)) + "\">";
  char buf[160];
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto* r = runs[i];
    int64_t d = seconds_between(r->started_at, r->finished_at).value_or(0);
    double h = std::max(2.0, 96.0 * static_cast<double>(d) / static_cast<double>(longest));
    const char* color = r->outcome == "ok"            ? "#1a7f37"
                        : r->outcome == "running"     ? "#0969da"
                        : r->outcome == "interrupted" ? "#9a6700"
                                                      : "#cf222e";
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">",
                  static_cast<double>(i) * slot + 1, 100 - h, slot - 2, h, color);
    out += buf;
    out += "<title>run " + std::to_string(r->id) + ": " + e(r->outcome) + ", " +
           e(duration_text(d)) + "</title></rect>";
  }
  return out + "</svg>\n";
}

std::string runs_section(const Snapshot& s) {
  std::string out = "<h2 id=\"runs\">Last runs</h2>\n" + chart(s);
  std::vector<std::string> rows;
  for (const auto& r : s.runs) {
    auto d = seconds_between(r.started_at, r.finished_at);
    rows.push_back(
        td("#" + std::to_string(r.id)) + td(r.started_at) + "<td>" + badge(r.outcome) + "</td>" +
        td(duration_text(d), "num") + td(std::to_string(r.counts.units_done), "num") +
        td(std::to_string(r.counts.units_failed), "num") +
        td(std::to_string(r.counts.jobs_finished) + " / " + std::to_string(r.counts.jobs_failed),
           "num") +
        td(r.note));
  }
  return out + table("runs-table",
                     {"run", "started", "outcome", "duration", "units", "failed",
                      "jobs ok / failed", "note"},
                     rows, "No run yet.");
}

std::string progress_cell(const state::Job& j) {
  int pct = j.progress_total > 0 ? static_cast<int>(100 * j.progress_done / j.progress_total) : 0;
  pct = std::max(0, std::min(100, pct));
  return "<td class=\"num\"><span class=\"bar\"><i style=\"width:" + std::to_string(pct) +
         "%\"></i></span>" + std::to_string(j.progress_done) + " / " +
         std::to_string(j.progress_total) + "</td>";
}

std::string jobs_section(const Snapshot& s) {
  const auto& c = s.job_counts;
  std::string out = "<h2 id=\"jobs\">Jobs</h2>\n<p class=\"meta\">" + std::to_string(c.queued) +
                    " queued, " + std::to_string(c.running) + " running, " +
                    std::to_string(c.failed) + " failed, " + std::to_string(c.succeeded) +
                    " succeeded, " + std::to_string(c.cancelled) + " cancelled</p>\n";
  std::vector<std::string> rows;
  for (const auto& j : s.jobs) {
    std::string reason = j.error;
    if (j.status == state::JobStatus::kQueued && !j.not_before.empty())
      reason = "waiting until " + j.not_before + (reason.empty() ? "" : "; " + reason);
    rows.push_back(td("#" + std::to_string(j.id)) + td(j.kind) + "<td>" +
                   badge(state::status_word(j.status)) + "</td>" +
                   td(j.from_date + (j.to_date == j.from_date ? "" : " .. " + j.to_date)) +
                   progress_cell(j) + td(std::to_string(j.attempts), "num") + td(j.updated_at) +
                   td(reason, "reason"));
  }
  return out + table("jobs-table",
                     {"job", "kind", "status", "dates", "progress", "tries", "updated", "reason"},
                     rows, "No job is queued, running or failed.");
}

std::string outputs_section(const Snapshot& s) {
  std::vector<std::string> rows;
  for (const auto& o : s.outputs) {
    std::string link = is_url(o.link)
                           ? "<td><a class=\"dl\" href=\"" + e(o.link) + "\">download</a></td>"
                           : td(o.link.empty() ? "no link" : o.link);
    std::string expiry = o.link_expires_at;
    const char* cls = nullptr;
    if (auto at = parse_iso8601(o.link_expires_at); at && *at <= s.now) {
      expiry += " (expired: ferry link " + std::to_string(o.job_id) + ")";
      cls = "expired";
    }
    rows.push_back(td("#" + std::to_string(o.job_id) + " " + o.kind) + td(o.name) +
                   td(std::to_string(o.rows), "num") + td(size_text(o.size), "num") + link +
                   td(expiry, cls) + td(o.created_at));
  }
  return "<h2 id=\"outputs\">Recent outputs</h2>\n" +
         table("outputs-table", {"job", "file", "rows", "size", "link", "link expires", "made"},
               rows, "No output yet.");
}

std::string marks_section(const Snapshot& s) {
  std::vector<std::string> rows;
  for (const auto& m : s.marks)
    rows.push_back(td(m.source) + td(m.stream) + td(m.value) + td(m.updated_at));
  return "<h2 id=\"marks\">Marks</h2>\n" +
         table("marks-table", {"source", "stream", "mark", "moved"}, rows, "No mark yet.");
}

std::string alerts_section(const Snapshot& s) {
  std::vector<std::string> rows;
  for (const auto* list : {&s.pending_alerts, &s.recent_alerts})
    for (const auto& a : *list)
      rows.push_back(td("#" + std::to_string(a.id)) + "<td>" + badge(a.status) + "</td>" +
                     td(a.subject) + td(a.key) + td(a.created_at) + td(a.sent_at) +
                     td(std::to_string(a.attempts), "num") + td(a.last_error, "reason"));
  return "<h2 id=\"alerts\">Alerts</h2>\n<p class=\"meta\">" + std::to_string(s.alerts_pending) +
         " pending</p>\n" +
         table("alerts-table",
               {"alert", "status", "subject", "key", "raised", "sent", "tries", "last error"}, rows,
               "No alert pending or sent recently.");
}

std::string pipeline_sections(const Snapshot& s) {
  std::string out;
  int n = 0;
  for (const auto& sec : s.sections) {
    std::vector<std::string> rows;
    for (const auto& r : sec.rows) {
      std::string cells;
      for (const auto& c : r)
        cells += is_url(c) ? "<td><a href=\"" + e(c) + "\">" + e(c) + "</a></td>" : td(c);
      rows.push_back(cells);
    }
    out += "<h2>" + e(sec.title) + "</h2>\n" +
           table("section-" + std::to_string(++n), sec.columns, rows,
                 sec.empty_note.empty() ? "Nothing yet." : sec.empty_note);
  }
  for (const auto& p : s.problems) out += "<p class=\"reason\">" + e(p) + "</p>\n";
  return out;
}

}  // namespace

std::string render_html(const Snapshot& s) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>ferry status</title>\n<style>" +
      std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>ferry status</h1>\n";
  std::string versions = "schema " + std::to_string(s.schema_version);
  for (const auto& [name, v] : s.component_versions)
    versions += ", " + name + " " + std::to_string(v);
  out += "<p class=\"meta\" id=\"about\">Written " + e(format_iso8601(s.now)) + " by ferry " +
         e(s.ferry_version) + "; state " + e(s.state_path) + " (" + e(versions) + ").</p>\n";
  if (s.last_finished)
    out += "<p>Last run #" + std::to_string(s.last_finished->id) + " " +
           badge(s.last_finished->outcome) + " ended " + e(s.last_finished->finished_at) +
           ".</p>\n";
  if (s.empty())
    out +=
        "<p class=\"empty\" id=\"empty-state\">The state is empty: no run, job, output, mark "
        "or alert yet.</p>\n";
  out += runs_section(s) + jobs_section(s) + outputs_section(s) + marks_section(s) +
         alerts_section(s) + pipeline_sections(s);
  return out + "</body>\n</html>\n";
}

}  // namespace ferry::ops
