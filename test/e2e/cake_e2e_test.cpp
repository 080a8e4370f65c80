// CAKE exports end to end: the real bin/ferry against the CAKE stand-in
// (test/standins/cake_server.py) and s3rver, both on loopback for the whole suite. Each test
// writes under its own S3 prefix and reads the objects back with the S3 client; expected rows
// come from the stand-in's /_control/count and /_control/ids.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "e2e/cake_fixture.h"
#include "e2e/ferry_fixture.h"
#include "ferry/io/csv.h"
#include "ferry/net/curl_http.h"
#include "ferry/s3/client.h"
#include "support/requirements.h"
#include "support/s3rver.h"
#include "support/smtp_server.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// `HH` of hour h of a day, and the ISO bounds of that hour.
std::string two(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

TEST_F(CakeE2E, TwoDayClicksJobGives48HourlyObjectsWithTheExactRows) {
  auto f = env("two-day/");
  int64_t id = queue(*f, "cake-clicks", "10-01-2016", "11-01-2016");
  ASSERT_EQ(run_until_finished(*f, id), "succeeded")
      << f->sql("SELECT error FROM jobs WHERE id = " + std::to_string(id));
  auto got = objects("two-day/");
  ASSERT_EQ(got.size(), 48u);
  std::set<std::string> ids;
  int64_t total = 0;
  for (int day = 10; day <= 11; ++day) {
    for (int h = 0; h < 24; ++h) {
      std::string name = "ClickReport_" + std::to_string(day) + "012016_" + two(h) + "00_" +
                         two((h + 1) % 24) + "00.csv";
      ASSERT_TRUE(got.count(name)) << name;
      std::string start = "2016-01-" + std::to_string(day) + "T" + two(h) + ":00:00";
      std::string end = h == 23 ? "2016-01-" + std::to_string(day + 1) + "T00:00:00"
                                : "2016-01-" + std::to_string(day) + "T" + two(h + 1) + ":00:00";
      auto data = rows(got[name], 43);
      EXPECT_EQ(static_cast<int64_t>(data.size()), expected("clicks", start, end)) << name;
      for (const auto& r : data) EXPECT_TRUE(ids.insert(r[0]).second) << "click twice: " << r[0];
      total += static_cast<int64_t>(data.size());
    }
  }
  EXPECT_EQ(total, expected("clicks", "2016-01-10T00:00:00", "2016-01-12T00:00:00"));
  EXPECT_EQ(f->sql("SELECT count(*) FROM job_outputs WHERE job_id = " + std::to_string(id)), "48");
  EXPECT_EQ(f->sql("SELECT sum(rows) FROM job_outputs"), std::to_string(total));
  EXPECT_EQ(f->sql("SELECT progress_done || '/' || progress_total FROM jobs"), "48/48");
  // Calls to the one CAKE domain were never concurrent.
  EXPECT_EQ(json::parse(call("GET", "/_control/stats").body)["max_in_flight"], 1);
  EXPECT_NE(f->all_logs().find("ClickReport_11012016_2300_0000.csv: "), std::string::npos);
  EXPECT_EQ(f->all_logs().find(kKey), std::string::npos);
}

TEST_F(CakeE2E, ConversionsJobGivesOneObjectWithTheExpectedRowsAndALink) {
  auto f = env("conv/");
  int64_t id = queue(*f, "cake-conversions", "10-01-2016", "11-01-2016");
  // Transient trouble on the way is retried (HTTP) or asked again (a cut reply): no row lost.
  for (const char* fault :
       {R"({"mode":"502","count":2,"after":3,"methods":["EventConversions"]})",
        R"({"mode":"429","count":1,"after":10,"retry_after":0,)"
        R"("methods":["EventConversions"]})",
        R"({"mode":"truncate","count":1,"after":20,"methods":["EventConversions"]})"})
    ASSERT_EQ(call("POST", "/_control", fault).status, 200);
  ASSERT_EQ(run_until_finished(*f, id), "succeeded");
  EXPECT_EQ(call("GET", "/_control").body.find("\"mode\""), std::string::npos)
      << "not every injected fault was met";
  EXPECT_NE(f->all_logs().find("malformed EventConversions response"), std::string::npos);
  auto got = objects("conv/");
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got.count("report_10012016_11012016.csv"));
  const std::string& body = got["report_10012016_11012016.csv"];
  auto data = rows(body, 50);
  EXPECT_EQ(static_cast<int64_t>(data.size()),
            expected("conversions", "2016-01-10T00:00:00", "2016-01-12T00:00:00"));
  auto ids = json::parse(call("GET",
                              "/_control/ids?report=conversions&start=2016-01-10T00:00:00"
                              "&end=2016-01-12T00:00:00")
                             .body)["ids"];
  ASSERT_EQ(ids.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) EXPECT_EQ(data[i][0], ids[i].dump()) << i;

  // `ferry job` shows the link (`ferry jobs` does not); `ferry link` makes a fresh one that
  // downloads the same bytes.
  RunResult one = f->run({"job", std::to_string(id)});
  EXPECT_NE(one.out.find("/cake-bucket/conv/report_10012016_11012016.csv?"), std::string::npos)
      << one.out;
  EXPECT_EQ(f->run({"jobs"}).out.find("X-Amz-"), std::string::npos);
  RunResult link = f->run({"link", std::to_string(id), "--expires", "2h"});
  ASSERT_EQ(link.exit_code, 0) << link.err;
  size_t tab = link.out.find('\t');
  ASSERT_NE(tab, std::string::npos) << link.out;
  EXPECT_EQ(link.out.substr(0, tab), "report_10012016_11012016.csv");
  std::string url = link.out.substr(tab + 1, link.out.find('\n') - tab - 1);
  EXPECT_NE(url.find("X-Amz-Expires=7200"), std::string::npos) << url;
  auto fetched = call("GET", url);
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body, body);
  EXPECT_EQ(f->sql("SELECT link FROM job_outputs"), url);
}

// `ferry link` goes where the file was uploaded, whatever the target's config says today.
TEST_F(CakeE2E, LinkReachesTheUploadedFileAfterTheTargetsBucketChanged) {
  auto f = env("moved/");
  int64_t id = queue(*f, "cake-conversions", "12-01-2016", "12-01-2016");
  ASSERT_EQ(run_until_finished(*f, id), "succeeded");
  const std::string name = "report_12012016_12012016.csv";
  std::string body = objects("moved/")[name];
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(f->sql("SELECT s3_endpoint || ' ' || s3_region || ' ' || s3_bucket || ' ' || "
                   "s3_object_key FROM job_outputs"),
            s3_->endpoint() + " us-east-1 cake-bucket moved/" + name);
  auto with = [](std::string text, const std::string& from, const std::string& to) {
    return text.replace(text.find(from), from.size(), to);
  };
  const std::string moved = with(config("moved/"), "bucket = \"cake-bucket\"\nprefix = \"\"",
                                 "bucket = \"other-bucket\"\nprefix = \"elsewhere/\"");
  f->write_config(moved);
  RunResult link = f->run({"link", std::to_string(id)});
  ASSERT_EQ(link.exit_code, 0) << link.err;
  std::string url = link.out.substr(link.out.find('\t') + 1);
  url.pop_back();
  EXPECT_NE(url.find("/cake-bucket/moved/" + name + "?"), std::string::npos) << url;
  RunResult curl = run_command({"curl", "-s", "-o", f->path("fetched"), "-w", "%{http_code}", url});
  EXPECT_EQ(curl.out, "200") << curl.err;
  EXPECT_TRUE(read_file(f->path("fetched")) == body);

  // No target of that name and none pointing at the bucket: said clearly, exit 1.
  f->write_config(
      with(with(moved, "[s3.reports]", "[s3.other]"), "[cake]\n", "[cake]\ns3 = \"other\"\n"));
  link = f->run({"link", std::to_string(id)});
  EXPECT_EQ(link.exit_code, 1);
  EXPECT_NE(link.err.find("no configured S3 target can sign for it"), std::string::npos)
      << link.err;
  // A target of another name with that bucket and endpoint signs it.
  f->write_config(with(with(config("moved/"), "[s3.reports]", "[s3.archive]"), "[cake]\n",
                       "[cake]\ns3 = \"archive\"\n"));
  link = f->run({"link", std::to_string(id)});
  ASSERT_EQ(link.exit_code, 0) << link.err;
  EXPECT_NE(link.out.find("/cake-bucket/moved/" + name + "?"), std::string::npos) << link.out;
}

TEST_F(CakeE2E, HoursThatHaveNotSettledWaitAndAreExportedOnceFinal) {
  auto f = env("settle/");
  f->env["FERRY_NOW"] = "2016-01-25T10:30:00Z";  // cake.settle 1h: hours ending by 09:30
  int64_t id = queue(*f, "cake-clicks", "25-01-2016", "25-01-2016");
  std::string where = " FROM jobs WHERE id = " + std::to_string(id);
  EXPECT_EQ(f->run({"run"}).exit_code, 0);
  EXPECT_EQ(f->sql("SELECT status || ' ' || not_before || ' ' || progress_done || ' ' || failures" +
                   where),
            "queued 2016-01-25T11:00:00Z 9 0");
  auto got = objects("settle/");
  ASSERT_EQ(got.size(), 9u);
  for (int h = 0; h < 9; ++h)
    EXPECT_TRUE(got.count("ClickReport_25012016_" + two(h) + "00_" + two(h + 1) + "00.csv")) << h;
  EXPECT_NE(f->run({"jobs"}).out.find("waiting until 2016-01-25T11:00:00Z"), std::string::npos);
  EXPECT_NE(f->run({"job", std::to_string(id)}).out.find("waiting until 2016-01-25T11:00:00Z"),
            std::string::npos);
  f->env["FERRY_NOW"] = "2016-01-25T10:55:00Z";  // not yet: the job is not started
  EXPECT_EQ(f->run({"run"}).exit_code, 0);
  EXPECT_EQ(f->sql("SELECT progress_done || ' ' || attempts" + where), "9 1");
  f->env["FERRY_NOW"] = "2016-01-26T01:00:00Z";  // the day's last hour is final
  EXPECT_EQ(f->run({"run"}).exit_code, 0);
  EXPECT_EQ(f->sql("SELECT status || ' ' || progress_done || '/' || progress_total" + where),
            "succeeded 24/24");
  got = objects("settle/");
  ASSERT_EQ(got.size(), 24u);
  int64_t total = 0;
  for (const auto& [name, bytes] : got) total += static_cast<int64_t>(rows(bytes, 43).size());
  EXPECT_EQ(total, expected("clicks", "2016-01-25T00:00:00", "2016-01-26T00:00:00"));
}

TEST_F(CakeE2E, AWindowWithMoreRowsThanTheRowLimitLosesNone) {
  ASSERT_EQ(call("POST", "/_control",
                 R"({"mode":"dense","report":"clicks","start":"2016-01-20T05:20:00",)"
                 R"("end":"2016-01-20T05:20:30","rows":450})")
                .status,
            200);
  auto f = env("dense/", "row_limit = 100\n");
  int64_t id = queue(*f, "cake-clicks", "20-01-2016", "20-01-2016");
  ASSERT_EQ(run_until_finished(*f, id), "succeeded");
  auto got = objects("dense/");
  ASSERT_EQ(got.size(), 24u);
  auto data = rows(got["ClickReport_20012016_0500_0600.csv"], 43);
  auto ids = json::parse(
      call("GET", "/_control/ids?report=clicks&start=2016-01-20T05:00:00&end=2016-01-20T06:00:00")
          .body)["ids"];
  ASSERT_GT(ids.size(), 450u);
  ASSERT_EQ(data.size(), ids.size());
  for (size_t i = 0; i < data.size(); ++i) EXPECT_EQ(data[i][0], ids[i].dump()) << i;
  std::string logs = f->all_logs();
  EXPECT_NE(
      logs.find("ClickReport_20012016_0500_0600.csv: " + std::to_string(ids.size()) + " rows in "),
      std::string::npos)
      << logs;
  auto log = json::parse(call("GET", "/_control/log").body);
  int pages = 0;
  for (const auto& e : log)
    if (e["start_date"].is_string() &&
        e["start_date"].get<std::string>().rfind("01/20/2016 05:20", 0) == 0 &&
        e["start_at_row"].is_number() && e["start_at_row"].get<int64_t>() > 0)
      ++pages;
  EXPECT_GE(pages, 4);
}

TEST_F(CakeE2E, KillNineMidJobThenMoreRunsGivesIdenticalObjects) {
  auto ref = env("ref/");
  int64_t ref_clicks = queue(*ref, "cake-clicks", "15-01-2016", "15-01-2016");
  int64_t ref_conv = queue(*ref, "cake-conversions", "15-01-2016", "16-01-2016");
  ASSERT_EQ(run_until_finished(*ref, ref_conv), "succeeded");
  ASSERT_EQ(ref->sql("SELECT status FROM jobs WHERE id = " + std::to_string(ref_clicks)),
            "succeeded");
  auto want = objects("ref/");
  ASSERT_EQ(want.size(), 25u);

  // Slow every call a little so a run is surely killed in the middle of its work.
  ASSERT_EQ(call("POST", "/_control", R"({"mode":"slow","seconds":0.02,"count":100000})").status,
            200);
  auto f = env("kill/");
  int64_t clicks = queue(*f, "cake-clicks", "15-01-2016", "15-01-2016");
  int64_t conv = queue(*f, "cake-conversions", "15-01-2016", "16-01-2016");
  auto kill_when = [&](const std::string& query, int at_least) {
    Child run(f->argv({"run"}), f->environment({}), f->dir(), f->path("killed-run.log"));
    for (int i = 0; i < 3000; ++i) {
      std::this_thread::sleep_for(5ms);
      if (!run.running()) break;
      std::string v;
      try {
        v = f->sql(query);
      } catch (const std::exception&) {
        continue;  // the database is not created yet
      }
      if (!v.empty() && std::stoll(v) >= at_least) break;
    }
    EXPECT_TRUE(run.running()) << "the run ended before it could be killed";
    run.signal(SIGKILL);
    run.wait(5s);
  };
  kill_when("SELECT progress_done FROM jobs WHERE id = " + std::to_string(clicks), 7);
  kill_when("SELECT progress_done FROM jobs WHERE id = " + std::to_string(conv), 30);
  ASSERT_EQ(call("POST", "/_control", R"({"mode":"reset"})").status, 200);
  EXPECT_EQ(f->sql("SELECT count(*) FROM runs WHERE outcome = 'running'"), "1");
  ASSERT_EQ(run_until_finished(*f, conv), "succeeded");
  EXPECT_EQ(f->sql("SELECT status FROM jobs WHERE id = " + std::to_string(clicks)), "succeeded");
  EXPECT_EQ(f->sql("SELECT count(*) FROM runs WHERE outcome = 'crashed'"), "2");
  // No temp or partial file is left behind.
  for (const auto& e : std::filesystem::recursive_directory_iterator(f->path("exports/cake"))) {
    if (!e.is_regular_file()) continue;
    EXPECT_EQ(e.path().filename().string().rfind('.', 0), std::string::npos) << e.path();
  }
  EXPECT_TRUE(std::filesystem::is_empty(f->path("exports/cake/.partial")));
  auto got = objects("kill/");
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [name, bytes] : want) {
    ASSERT_TRUE(got.count(name)) << name;
    EXPECT_TRUE(got[name] == bytes) << name << " differs after the crash";
  }
}

TEST_F(CakeE2E, UnreachableCakeFailsTheJobWithAReasonAndOneAlertMail) {
  FERRY_REQUIRE(SmtpServer::missing());
  int smtp_port = free_port();
  SmtpServer smtp(smtp_port, *dir_ / "smtp.log");
  ASSERT_TRUE(smtp.ready()) << "the SMTP server did not listen: " << smtp.log();
  FerryEnv f("[alerts]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(smtp_port) +
             "\"\nto = [\"ops@example.org\"]\n[run]\njob_attempts = 1\n[http]\nmax_attempts = 2\n"
             "max_backoff = \"1s\"\n[cake]\nadmin_url = \"http://127.0.0.1:" +
             std::to_string(free_port()) + "\"\napi_key = \"" + kKey + "\"\n" +
             s3_->config_table("reports"));
  f.env["FERRY_NOW"] = "";
  int64_t id = queue(f, "cake-clicks", "10-01-2016", "10-01-2016");
  RunResult r = f.run({"run"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = " + std::to_string(id)), "failed");
  std::string error = f.sql("SELECT error FROM jobs WHERE id = " + std::to_string(id));
  EXPECT_NE(error.find("cake: POST http://127.0.0.1:"), std::string::npos) << error;
  EXPECT_NE(error.find("/api/1/get.asmx/Currencies: cannot connect"), std::string::npos) << error;
  EXPECT_NE(error.find("after 2 tries"), std::string::npos) << error;
  EXPECT_NE(f.run({"jobs"}).out.find("cannot connect"), std::string::npos);
  ASSERT_TRUE(smtp.wait_messages(1)) << smtp.log();
  EXPECT_NE(smtp.log().find("job " + std::to_string(id) + " (cake-clicks) failed"),
            std::string::npos);
  // Later runs send nothing more for the failed job.
  f.run({"run"});
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(smtp.messages(), 1);
  EXPECT_EQ(smtp.log().find(kKey), std::string::npos);
  EXPECT_EQ(f.all_logs().find(kKey), std::string::npos);
}

}  // namespace
}  // namespace ferry::testing
