// The status page and metrics renderers on hand-made snapshots: escaping, links, empty states,
// the chart, and the Prometheus text format.
#include "ferry/ops/render.h"

#include <gtest/gtest.h>

namespace ferry::ops {
namespace {

const TimePoint kNow = *parse_iso8601("2026-12-01T12:00:00Z");

state::RunRecord run(int64_t id, const std::string& start, const std::string& end,
                     const std::string& outcome) {
  state::RunRecord r;
  r.id = id;
  r.started_at = start;
  r.finished_at = end;
  r.outcome = outcome;
  return r;
}

Snapshot busy() {
  Snapshot s;
  s.now = kNow;
  s.ferry_version = "9.9";
  s.schema_version = 10;
  s.runs = {run(2, "2026-12-01T11:55:00Z", "2026-12-01T11:55:30Z", "failed"),
            run(1, "2026-12-01T11:50:00Z", "2026-12-01T11:50:10Z", "ok")};
  s.last_finished = s.runs.front();
  state::Job j;
  j.id = 7;
  j.kind = "cake-clicks";
  j.status = state::JobStatus::kFailed;
  j.from_date = j.to_date = "2026-11-30";
  j.progress_done = 3;
  j.progress_total = 24;
  j.error = "HTTP 403 <b>denied</b> & \"quoted\"";
  s.jobs = {j};
  s.job_counts.failed = 1;
  state::OutputView o;
  o.job_id = 7;
  o.kind = "cake-clicks";
  o.name = "ClickReport_<1>.csv";
  o.rows = 5;
  o.link = "https://s3.example/b/k?X-Amz-Signature=ab&X-Amz-Date=1";
  o.link_expires_at = "2026-12-02T11:00:00Z";
  state::OutputView old = o;
  old.name = "old.csv";
  old.link = "javascript:alert(1)";
  old.link_expires_at = "2026-11-30T00:00:00Z";
  s.outputs = {o, old};
  s.marks = {{"cake", "daily", "2026-11-30", "2026-12-01T11:00:00Z"},
             {"mindtrails:prod", "Tab\"le\n", "42", "2026-12-01T10:00:00Z"}};
  state::AlertView a;
  a.id = 3;
  a.status = "pending";
  a.subject = "job 7 failed <script>";
  s.pending_alerts = {a};
  s.alerts_pending = 1;
  s.totals["runs"] = {{"ok", 5}, {"failed", 2}};
  s.totals["units"] = {{"cake", 30}};
  s.totals["alerts_sent"] = {{"", 4}};
  core::StatusSection sec{
      "Sites <x>", {"name", "url"}, {{"a&b", "https://x.example/?a=1&b=2"}}, ""};
  s.sections = {sec};
  return s;
}

TEST(OpsEscape, HtmlEscapesEverythingThatCouldOpenMarkup) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain é"), "plain é");
}

TEST(OpsEscape, PrometheusLabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(prom_label_escape("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_TRUE(valid_metric_name("ferry_x:y_total"));
  EXPECT_FALSE(valid_metric_name("9lives"));
  EXPECT_FALSE(valid_metric_name("ferry-x"));
  EXPECT_FALSE(valid_label_name("a:b"));
  EXPECT_FALSE(valid_label_name("__name"));
  EXPECT_TRUE(valid_label_name("site_2"));
}

TEST(OpsHtml, ShowsEveryPartEscapedWithLinksOnlyForWebUrls) {
  std::string html = render_html(busy());
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>denied"), std::string::npos);
  EXPECT_NE(html.find("HTTP 403 &lt;b&gt;denied&lt;/b&gt; &amp; &quot;quoted&quot;"),
            std::string::npos);
  EXPECT_NE(
      html.find(
          "<a class=\"dl\" href=\"https://s3.example/b/k?X-Amz-Signature=ab&amp;X-Amz-Date=1\">"),
      std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_NE(html.find("javascript:alert(1)"), std::string::npos);  // shown as text
  EXPECT_NE(html.find("(expired: ferry link 7)"), std::string::npos);
  EXPECT_NE(html.find("ClickReport_&lt;1&gt;.csv"), std::string::npos);
  EXPECT_NE(html.find("job 7 failed &lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Sites &lt;x&gt;"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://x.example/?a=1&amp;b=2\">"), std::string::npos);
  EXPECT_NE(html.find("ferry 9.9"), std::string::npos);
  EXPECT_NE(html.find("schema 10"), std::string::npos);
  EXPECT_NE(html.find("3 / 24"), std::string::npos);
  EXPECT_EQ(html.find("The state is empty"), std::string::npos);
  EXPECT_EQ(html.find("http-equiv"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);  // nothing loaded from anywhere
}

TEST(OpsHtml, ChartHasOneBarPerRunScaledToTheLongest) {
  std::string html = render_html(busy());
  size_t bars = 0;
  for (size_t at = html.find("<rect"); at != std::string::npos; at = html.find("<rect", at + 1))
    ++bars;
  EXPECT_EQ(bars, 2u);
  EXPECT_NE(html.find("height=\"96.00\""), std::string::npos);  // the 30 s run
  EXPECT_NE(html.find("height=\"32.00\""), std::string::npos);  // the 10 s run
  EXPECT_NE(html.find("<title>run 2: failed, 30 s</title>"), std::string::npos);
}

TEST(OpsHtml, AnEmptyStateSaysSoPlainly) {
  Snapshot s;
  s.now = kNow;
  std::string html = render_html(s);
  EXPECT_NE(html.find("The state is empty: no run, job, output, mark or alert yet."),
            std::string::npos);
  EXPECT_NE(html.find("No run yet."), std::string::npos);
  EXPECT_NE(html.find("No job is queued, running or failed."), std::string::npos);
  EXPECT_NE(html.find("No output yet."), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
}

TEST(OpsMetrics, WritesEveryCoreFamilyWithHelpAndType) {
  std::string m = render_metrics(busy());
  for (const char* name :
       {"ferry_last_run_timestamp_seconds", "ferry_last_run_duration_seconds",
        "ferry_last_run_success", "ferry_runs_total", "ferry_jobs", "ferry_job_failures_total",
        "ferry_units_total", "ferry_rows_total", "ferry_bytes_uploaded_total",
        "ferry_alerts_pending", "ferry_alerts_sent_total", "ferry_mark_age_seconds"}) {
    EXPECT_NE(m.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
    EXPECT_NE(m.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(m.find("ferry_last_run_timestamp_seconds 1796126130\n"), std::string::npos) << m;
  EXPECT_NE(m.find("ferry_last_run_duration_seconds 30\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_last_run_success 0\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_runs_total{outcome=\"ok\"} 5\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_runs_total{outcome=\"crashed\"} 0\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_jobs{status=\"failed\"} 1\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_units_total{pipeline=\"cake\"} 30\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_alerts_sent_total 4\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_alerts_pending 1\n"), std::string::npos);
  EXPECT_NE(m.find("ferry_mark_age_seconds{source=\"cake\",stream=\"daily\"} 3600\n"),
            std::string::npos);
  EXPECT_NE(m.find("ferry_mark_age_seconds{source=\"mindtrails:prod\",stream=\"Tab\\\"le\\n\"} "
                   "7200\n"),
            std::string::npos);
  EXPECT_EQ(m.back(), '\n');
}

TEST(OpsMetrics, LeavesOutPipelineFamiliesThatWouldBreakTheFile) {
  Snapshot s = busy();
  s.pipeline_metrics = {
      {"ferry_good", "fine", "gauge", {{{{"site", "a"}}, 1.5}}},
      {"ferry bad", "space in name", "gauge", {{{}, 1}}},
      {"ferry_badlabel", "", "gauge", {{{{"a-b", "x"}}, 1}}},
      {"ferry_badtype", "", "histogram", {{{}, 1}}},
      {"ferry_jobs", "a core name again", "gauge", {{{}, 1}}},
  };
  std::string m = render_metrics(s);
  EXPECT_NE(m.find("# TYPE ferry_good gauge\nferry_good{site=\"a\"} 1.5\n"), std::string::npos);
  EXPECT_EQ(m.find("ferry bad"), std::string::npos);
  EXPECT_EQ(m.find("ferry_badlabel"), std::string::npos);
  EXPECT_EQ(m.find("ferry_badtype"), std::string::npos);
  EXPECT_EQ(m.find("a core name again"), std::string::npos);
}

TEST(OpsMetrics, NoFinishedRunLeavesTheLastRunGaugesWithoutSamples) {
  Snapshot s;
  s.now = kNow;
  std::string m = render_metrics(s);
  EXPECT_NE(m.find("# TYPE ferry_last_run_success gauge\n"), std::string::npos);
  EXPECT_EQ(m.find("\nferry_last_run_success "), std::string::npos);
  EXPECT_EQ(m.find("\nferry_last_run_timestamp_seconds "), std::string::npos);
}

}  // namespace
}  // namespace ferry::ops
