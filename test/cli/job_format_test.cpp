#include "cli/job_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ferry/base/error.h"

namespace ferry::cli {
namespace {

using state::Job;
using state::JobOutput;
using state::JobStatus;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string usage_error(const std::string& from, const std::string& to) {
  try {
    parse_date_range(from, to);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

JobOutput output(const std::string& name, const std::string& link) {
  JobOutput o;
  o.name = name;
  o.path = "/data/" + name;
  o.s3_target = "reports";
  o.s3_key = "cake/" + name;
  o.size = 1234;
  o.rows = 10;
  o.sha256 = "ab12";
  o.link = link;
  o.link_expires_at = link.empty() ? "" : "2016-01-12T00:05:00Z";
  return o;
}

Job job(int64_t id, JobStatus status) {
  Job j;
  j.id = id;
  j.kind = "cake_clicks";
  j.status = status;
  j.from_date = "2016-01-01";
  j.to_date = "2016-01-03";
  j.created_at = "2016-01-11T00:05:00Z";
  return j;
}

TEST(JobFormatTest, DateRangeAcceptsBothForms) {
  DateRange r = parse_date_range("01-01-2016", "2016-01-03");
  EXPECT_EQ(r.from, (Date{2016, 1, 1}));
  EXPECT_EQ(r.to, (Date{2016, 1, 3}));
  r = parse_date_range("2016-02-29", "2016-02-29");
  EXPECT_EQ(r.from, (Date{2016, 2, 29}));
  EXPECT_EQ(r.to, (Date{2016, 2, 29}));
}

TEST(JobFormatTest, BadFromNamesArgumentValueAndForms) {
  std::string err = usage_error("2016/01/01", "2016-01-03");
  EXPECT_EQ(err,
            "--from: '2016/01/01' is not a valid date; use dd-mm-yyyy (10-01-2016) or "
            "yyyy-mm-dd (2016-01-10)");
}

TEST(JobFormatTest, BadToNamesArgument) {
  std::string err = usage_error("01-01-2016", "31-02-2016");
  EXPECT_TRUE(contains(err, "--to: '31-02-2016' is not a valid date")) << err;
  EXPECT_TRUE(contains(err, "dd-mm-yyyy")) << err;
  EXPECT_TRUE(contains(err, "yyyy-mm-dd")) << err;
  EXPECT_FALSE(contains(err, "--from")) << err;
}

TEST(JobFormatTest, ImpossibleAndEmptyDatesAreRejected) {
  for (const char* bad : {"31-02-2016", "2015-02-29", "", "yesterday", "2016-1-1", "32-01-2016"}) {
    std::string err = usage_error(bad, "2016-12-31");
    EXPECT_TRUE(contains(err, std::string("--from: '") + bad + "'")) << err;
  }
}

TEST(JobFormatTest, FromAfterToIsRejected) {
  std::string err = usage_error("2016-01-03", "01-01-2016");
  EXPECT_TRUE(contains(err, "--from 2016-01-03 is after --to 01-01-2016")) << err;
  EXPECT_EQ(usage_error("2016-01-01", "2016-01-01"), "");
  err = usage_error("2017-01-01", "2016-12-31");
  EXPECT_TRUE(contains(err, "--from 2017-01-01 is after --to 2016-12-31")) << err;
}

TEST(JobFormatTest, JsonHasEveryField) {
  Job j = job(7, JobStatus::kFailed);
  j.error = "cake: HTTP 502 after 5 tries";
  j.attempts = 3;
  j.failures = 2;
  j.crashes = 4;
  j.progress_done = 5;
  j.progress_total = 72;
  j.started_at = "2016-01-11T00:10:00Z";
  j.finished_at = "2016-01-11T00:14:30Z";
  j.outputs = {output("clicks_2016-01-01T00.csv", "https://s3/x")};
  auto parsed = nlohmann::json::parse(format_jobs_json({j}));
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 1u);
  const auto& o = parsed[0];
  EXPECT_EQ(o["id"], 7);
  EXPECT_EQ(o["kind"], "cake_clicks");
  EXPECT_EQ(o["status"], "failed");
  EXPECT_EQ(o["from"], "2016-01-01");
  EXPECT_EQ(o["to"], "2016-01-03");
  EXPECT_EQ(o["progress"]["done"], 5);
  EXPECT_EQ(o["progress"]["total"], 72);
  EXPECT_EQ(o["error"], "cake: HTTP 502 after 5 tries");
  EXPECT_EQ(o["attempts"], 3);
  EXPECT_EQ(o["failures"], 2);
  EXPECT_EQ(o["crashes"], 4);
  EXPECT_EQ(o["created_at"], "2016-01-11T00:05:00Z");
  EXPECT_EQ(o["started_at"], "2016-01-11T00:10:00Z");
  EXPECT_EQ(o["finished_at"], "2016-01-11T00:14:30Z");
  ASSERT_TRUE(o["outputs"].is_array());
  ASSERT_EQ(o["outputs"].size(), 1u);
  const auto& out = o["outputs"][0];
  EXPECT_EQ(out["name"], "clicks_2016-01-01T00.csv");
  EXPECT_EQ(out["path"], "/data/clicks_2016-01-01T00.csv");
  EXPECT_EQ(out["s3_target"], "reports");
  EXPECT_EQ(out["s3_key"], "cake/clicks_2016-01-01T00.csv");
  EXPECT_EQ(out["size"], 1234);
  EXPECT_EQ(out["rows"], 10);
  EXPECT_EQ(out["sha256"], "ab12");
  EXPECT_EQ(out["link"], "https://s3/x");
  EXPECT_EQ(out["link_expires_at"], "2016-01-12T00:05:00Z");
}

TEST(JobFormatTest, JsonKeepsOrderAndEscapes) {
  Job a = job(9, JobStatus::kQueued);
  Job b = job(4, JobStatus::kSucceeded);
  b.error = "quote \" backslash \\ newline \n tab \t";
  auto parsed = nlohmann::json::parse(format_jobs_json({a, b}));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["id"], 9);
  EXPECT_EQ(parsed[0]["status"], "queued");
  EXPECT_TRUE(parsed[0]["outputs"].is_array());
  EXPECT_TRUE(parsed[0]["outputs"].empty());
  EXPECT_EQ(parsed[1]["id"], 4);
  EXPECT_EQ(parsed[1]["error"], "quote \" backslash \\ newline \n tab \t");
}

// An error line cut from a server response can hold invalid UTF-8; `ferry jobs --json` must
// still print every job (with the bad bytes replaced), not fail as a whole.
TEST(JobFormatTest, JsonSurvivesInvalidUtf8) {
  Job bad = job(8, JobStatus::kFailed);
  bad.error = "mindtrails: bad body \xC3 (truncated)";
  bad.outputs = {output("r\xE9sum\xE9.csv", "")};
  Job good = job(7, JobStatus::kQueued);
  std::string text;
  ASSERT_NO_THROW(text = format_jobs_json({bad, good}));
  auto parsed = nlohmann::json::parse(text);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["id"], 8);
  EXPECT_EQ(parsed[0]["error"].get<std::string>().rfind("mindtrails: bad body ", 0), 0u);
  EXPECT_EQ(parsed[1]["id"], 7);
}

TEST(JobFormatTest, JsonOfNoJobsIsEmptyArray) {
  EXPECT_EQ(format_jobs_json({}), "[]\n");
}

TEST(JobFormatTest, TableHasHeaderAndOneLinePerJob) {
  Job a = job(12, JobStatus::kRunning);
  a.progress_done = 3;
  a.progress_total = 72;
  Job b = job(3, JobStatus::kQueued);
  auto out = lines(format_jobs_table({a, b}));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].rfind("ID", 0), 0u);
  for (const char* col : {"KIND", "STATUS", "FROM", "TO", "PROGRESS", "CREATED"})
    EXPECT_TRUE(contains(out[0], col)) << col;
  EXPECT_EQ(out[1].rfind("12", 0), 0u) << out[1];
  EXPECT_TRUE(contains(out[1], "running")) << out[1];
  EXPECT_TRUE(contains(out[1], "3/72")) << out[1];
  EXPECT_TRUE(contains(out[1], "2016-01-01")) << out[1];
  EXPECT_EQ(out[2].rfind("3 ", 0), 0u) << out[2];
  EXPECT_TRUE(contains(out[2], "queued")) << out[2];
  // Columns line up: STATUS starts at the same offset on every line.
  size_t col = out[0].find("STATUS");
  EXPECT_EQ(out[1].find("running"), col);
  EXPECT_EQ(out[2].find("queued"), col);
}

TEST(JobFormatTest, ARunningJobNamesItsOwner) {
  Job a = job(12, JobStatus::kRunning);
  a.owner = "alpha pid 42";
  EXPECT_TRUE(contains(lines(format_jobs_table({a}))[1], "on alpha pid 42"));
  EXPECT_TRUE(contains(format_job_detail(a), "running on   alpha pid 42\n"));
  EXPECT_EQ(nlohmann::json::parse(format_jobs_json({a}))[0]["owner"], "alpha pid 42");
  Job b = job(13, JobStatus::kQueued);
  EXPECT_FALSE(contains(format_job_detail(b), "running on"));
}

TEST(JobFormatTest, TableShowsNoLinks) {
  Job one = job(1, JobStatus::kSucceeded);
  one.outputs = {output("conversions.csv", "https://s3/one")};
  Job two = job(2, JobStatus::kSucceeded);
  two.outputs = {output("a.csv", "https://s3/two-a"), output("b.csv", "https://s3/two-b")};
  Job nolink = job(3, JobStatus::kSucceeded);
  nolink.outputs = {output("c.csv", "")};
  Job none = job(4, JobStatus::kSucceeded);
  auto out = lines(format_jobs_table({one, two, nolink, none}));
  ASSERT_EQ(out.size(), 5u);
  EXPECT_FALSE(contains(out[1], "https://")) << out[1];
  EXPECT_FALSE(contains(out[2], "https://")) << out[2];
  EXPECT_FALSE(contains(out[3], "https://")) << out[3];
  EXPECT_FALSE(contains(out[4], "https://")) << out[4];
  // Nothing trails the last column.
  for (const auto& l : out) EXPECT_NE(l.back(), ' ') << "'" << l << "'";
}

TEST(JobFormatTest, WaitingJobShowsUntilWhenInTableAndDetail) {
  Job w = job(6, JobStatus::kQueued);
  w.not_before = "2016-01-25T11:00:00Z";
  auto out = lines(format_jobs_table({w}));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(contains(out[1], "waiting until 2016-01-25T11:00:00Z")) << out[1];
  std::string d = format_job_detail(w);
  EXPECT_TRUE(contains(d, "status       queued, waiting until 2016-01-25T11:00:00Z\n")) << d;
  EXPECT_EQ(nlohmann::json::parse(format_jobs_json({w}))[0]["not_before"], w.not_before);
}

TEST(JobFormatTest, TableShowsErrorOfFailedJobs) {
  Job failed = job(5, JobStatus::kFailed);
  failed.error = "cake: HTTP 403 (check api_key)";
  failed.outputs = {output("x.csv", "https://s3/x")};
  auto out = lines(format_jobs_table({failed}));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(contains(out[1], "cake: HTTP 403 (check api_key)")) << out[1];
  EXPECT_FALSE(contains(out[1], "https://s3/x")) << out[1];
}

TEST(JobFormatTest, TableOfNoJobs) {
  std::string table = format_jobs_table({});
  EXPECT_TRUE(contains(table, "(no jobs)\n")) << table;
  EXPECT_EQ(table.rfind("ID", 0), 0u);
}

TEST(JobFormatTest, DetailShowsFieldsAndOutputs) {
  Job j = job(7, JobStatus::kSucceeded);
  j.attempts = 2;
  j.failures = 1;
  j.progress_done = 72;
  j.progress_total = 72;
  j.outputs = {output("conversions.csv", "https://s3/c")};
  std::string d = format_job_detail(j);
  EXPECT_TRUE(contains(d, "id           7\n")) << d;
  EXPECT_TRUE(contains(d, "status       succeeded\n")) << d;
  EXPECT_TRUE(contains(d, "progress     72/72\n")) << d;
  EXPECT_TRUE(contains(d, "attempts     2 (1 failed)\n")) << d;
  EXPECT_TRUE(contains(d, "output       conversions.csv (1234 bytes, 10 rows)\n")) << d;
  EXPECT_TRUE(contains(d, "  s3         [reports] cake/conversions.csv\n")) << d;
  EXPECT_TRUE(contains(d, "  link       https://s3/c (until 2016-01-12T00:05:00Z)\n")) << d;
  EXPECT_FALSE(contains(d, "error")) << d;
  EXPECT_FALSE(contains(d, "finished")) << d;
  j.crashes = 2;
  d = format_job_detail(j);
  EXPECT_TRUE(contains(d, "attempts     2 (1 failed, 2 crashed)\n")) << d;
}

}  // namespace
}  // namespace ferry::cli
