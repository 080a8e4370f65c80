// cake-clicks with a fake CAKE and a fake S3: hour files, one commit per hour, resume after a
// crash with identical objects, windows that split and page, and the failure values.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cake/pipeline_fixture.h"
#include "ferry/crypto/hash.h"
#include "ferry/io/csv.h"

namespace ferry::cake::testing {
namespace {

using core::StepStatus;
namespace fs = std::filesystem;

class CakeClicksJob : public PipelineTest {
 protected:
  // Data rows of an object (header dropped).
  std::vector<std::vector<std::string>> rows_of(const std::string& key) {
    auto rows = io::parse_csv(s3_.objects().at(key));
    EXPECT_FALSE(rows.empty());
    EXPECT_EQ(rows.front().size(), 43u);
    EXPECT_EQ(rows.front()[0], "Click ID");
    rows.erase(rows.begin());
    return rows;
  }
};

TEST_F(CakeClicksJob, OneFilePerHourWithItsRowsEachCommittedWithItsCheckpoint) {
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-11");
  auto h = handler(kClicksKind);
  // Each unit moves the checkpoint by one hour and records that hour's output.
  ASSERT_EQ(run(*h, id, 1).status, StepStatus::kMore);
  state::Job after_one = job(id);
  EXPECT_EQ(after_one.checkpoint, "2016-01-10T01:00:00Z");
  EXPECT_EQ(after_one.progress_done, 1);
  EXPECT_EQ(after_one.progress_total, 48);
  ASSERT_EQ(after_one.outputs.size(), 1u);
  EXPECT_EQ(after_one.outputs[0].name, "ClickReport_10012016_0000_0100.csv");

  ASSERT_EQ(run(*h, id).status, StepStatus::kDone);
  state::Job done = job(id);
  EXPECT_EQ(done.checkpoint, "2016-01-12T00:00:00Z");
  EXPECT_EQ(done.progress_done, 48);
  ASSERT_EQ(done.outputs.size(), 48u);
  ASSERT_EQ(s3_.objects().size(), 48u);
  EXPECT_TRUE(s3_.objects().count("cake/ClickReport_11012016_2300_0000.csv"));
  std::set<std::string> ids;
  for (const auto& out : done.outputs) {
    const std::string& body = s3_.objects().at(out.s3_key);
    EXPECT_EQ(out.s3_key, "cake/" + out.name);
    EXPECT_EQ(out.size, static_cast<int64_t>(body.size()));
    EXPECT_EQ(out.sha256, crypto::sha256_hex(body));
    EXPECT_EQ(out.path, settings_.output_dir + "/" + out.name);
    EXPECT_EQ(ferry::testing::read_file(out.path), body);
    EXPECT_EQ(out.link.rfind("https://fake-s3.invalid/", 0), 0u) << out.link;
    // A day after the wall clock (03:00:07), not after the run's logical now (03:00:00).
    EXPECT_EQ(out.link_expires_at, "2016-01-13T03:00:07Z");
    auto rows = rows_of(out.s3_key);
    EXPECT_EQ(out.rows, static_cast<int64_t>(rows.size()));
    EXPECT_EQ(rows.size(), 5u);
    for (const auto& r : rows) EXPECT_TRUE(ids.insert(r[0]).second) << "twice: " << r[0];
  }
  EXPECT_EQ(ids.size(), 240u);
  // Currencies are turned into abbreviations (id 3 is not in the table: empty).
  auto first = rows_of("cake/ClickReport_10012016_0000_0100.csv");
  const char* abbr[] = {"USD", "EUR", ""};  // the fake pays in currency 1 + id % 3
  for (const auto& r : first) EXPECT_EQ(r[38], abbr[std::stoll(r[0]) % 3]) << r[0];
  EXPECT_EQ(cake_.count("Currencies"), 1);
}

TEST_F(CakeClicksJob, ResumesAfterACrashWithIdenticalObjects) {
  int64_t whole = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  ASSERT_EQ(run(*handler(kClicksKind), whole).status, StepStatus::kDone);
  std::map<std::string, std::string> reference = s3_.objects();
  ASSERT_EQ(reference.size(), 24u);

  // Same range again into another prefix: 5 hours, then the process "dies" having uploaded
  // hour 6 without recording it, leaving a stray temp file and a stale local copy.
  settings_.s3_prefix = "again/";
  settings_.output_dir = dir_ / "out2";
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  ASSERT_EQ(run(*handler(kClicksKind), id, 5).status, StepStatus::kMore);
  EXPECT_EQ(job(id).checkpoint, "2016-01-10T05:00:00Z");
  s3_.set_object("again/ClickReport_10012016_0500_0600.csv", "half of an earlier try");
  ferry::testing::write_file(settings_.output_dir + "/ClickReport_10012016_0500_0600.csv", "junk");
  std::string stray = settings_.output_dir + "/.ClickReport_10012016_0500_0600.csv.tmp.999.0";
  ferry::testing::write_file(stray, "stray");

  ASSERT_EQ(run(*handler(kClicksKind), id).status, StepStatus::kDone);
  for (const auto& [key, body] : reference)
    EXPECT_EQ(s3_.objects().at("again/" + key.substr(5)), body) << key;
  EXPECT_EQ(job(id).outputs.size(), 24u);
  EXPECT_FALSE(fs::exists(stray));
}

TEST_F(CakeClicksJob, LocalCopiesAreRemovedWhenNotKept) {
  settings_.keep_local = false;
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  ASSERT_EQ(run(*handler(kClicksKind), id).status, StepStatus::kDone);
  for (const auto& out : job(id).outputs) {
    EXPECT_EQ(out.path, "");
    EXPECT_FALSE(fs::exists(settings_.output_dir + "/" + out.name));
  }
  EXPECT_EQ(s3_.objects().size(), 24u);
}

TEST_F(CakeClicksJob, AWindowOverTheRowLimitIsSplitThenPagedAndLosesNoRow) {
  settings_.row_limit = 10;
  settings_.click_window = std::chrono::minutes(10);
  cake_.add_burst(true, at("2016-01-10T03:20:00Z"), 30, 45);  // 45 rows in half a minute
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  ASSERT_EQ(run(*handler(kClicksKind), id).status, StepStatus::kDone);
  auto rows = rows_of("cake/ClickReport_10012016_0300_0400.csv");
  auto expected = cake_.rows(true, at("2016-01-10T03:00:00Z"), at("2016-01-10T04:00:00Z"));
  ASSERT_EQ(rows.size(), expected.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i][0], std::to_string(expected[i].id));
  int pages = 0;
  for (const auto& c : cake_.calls()) pages += c.start_at_row > 0;
  EXPECT_GE(pages, 4);
}

TEST_F(CakeClicksJob, RefusedKeyFailsPermanentlyKeepingFinishedHoursAndNoSecret) {
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  int reports = 0;
  cake_.fault = [&](const FakeCall& c) -> std::optional<net::HttpResponse> {
    if (c.method == "Clicks" && ++reports > 18)  // 3 hours of 6 windows
      return net::FakeHttpClient::respond(
          401, R"({"d":{"success":false,"message":"Invalid API Key secret-key-1"}})");
    return std::nullopt;
  };
  auto r = run(*handler(kClicksKind), id);
  ASSERT_EQ(r.status, StepStatus::kFailed);
  EXPECT_FALSE(r.failure.is_transient());
  EXPECT_EQ(r.failure.message,
            "cake: POST https://cake.test/api/11/reports.asmx/Clicks: HTTP 401 Invalid API Key "
            "********");
  EXPECT_EQ(job(id).checkpoint, "2016-01-10T03:00:00Z");
  EXPECT_EQ(job(id).outputs.size(), 3u);
  EXPECT_TRUE(alerts_.events.empty());  // the runner raises the one alert
}

TEST_F(CakeClicksJob, ServerErrorsAfterRetriesAreTransient) {
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  cake_.fault = [](const FakeCall& c) -> std::optional<net::HttpResponse> {
    if (c.method != "Clicks") return std::nullopt;
    auto r = net::FakeHttpClient::respond(502, "<html>Bad Gateway</html>");
    r.attempts = 5;
    return r;
  };
  auto r = run(*handler(kClicksKind), id);
  ASSERT_EQ(r.status, StepStatus::kFailed);
  EXPECT_TRUE(r.failure.is_transient());
  EXPECT_EQ(r.failure.message,
            "cake: POST https://cake.test/api/11/reports.asmx/Clicks: HTTP 502 after 5 tries");
}

TEST_F(CakeClicksJob, ATruncatedReplyIsAskedForAgainThenFailsTransiently) {
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  int truncated = 0;
  cake_.fault = [&](const FakeCall& c) -> std::optional<net::HttpResponse> {
    if (c.method == "Clicks" && truncated < 2 && ++truncated)
      return net::FakeHttpClient::respond(200, R"({"d":{"success":true,"clicks":[{"click_id":1,)");
    return std::nullopt;
  };
  ASSERT_EQ(run(*handler(kClicksKind), id).status, StepStatus::kDone);
  EXPECT_EQ(truncated, 2);
  EXPECT_EQ(s3_.objects().size(), 24u);

  int64_t again = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  cake_.fault = [](const FakeCall& c) -> std::optional<net::HttpResponse> {
    if (c.method != "Clicks") return std::nullopt;
    return net::FakeHttpClient::respond(200, "<html>Server Error</html>");
  };
  auto r = run(*handler(kClicksKind), again);
  ASSERT_EQ(r.status, StepStatus::kFailed);
  EXPECT_TRUE(r.failure.is_transient());
  EXPECT_NE(r.failure.message.find("malformed Clicks response"), std::string::npos);
  EXPECT_NE(r.failure.message.find("3 replies"), std::string::npos) << r.failure.message;
}

TEST_F(CakeClicksJob, TimeoutsSplitTheWindowAndFailAtTheSmallestSize) {
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  int timeouts = 0;
  cake_.fault = [&](const FakeCall& c) -> std::optional<net::HttpResponse> {
    if (c.method == "Clicks" && c.end_ms - c.start_ms > 150000 &&
        c.start_ms < 1452384000000 + 600000) {
      ++timeouts;
      return net::FakeHttpClient::fail(net::TransportError::kTimeout, "Operation timed out");
    }
    return std::nullopt;
  };
  ASSERT_EQ(run(*handler(kClicksKind), id).status, StepStatus::kDone);
  EXPECT_GE(timeouts, 2);  // 10 min → 5 min → 2.5 min
  // Windows that can still be split ask the HTTP layer not to retry their timeouts.
  size_t split_first = 0;
  for (const auto& req : cake_.http().requests())
    if (req.url.find("/Clicks") != std::string::npos && !req.retry_timeouts) ++split_first;
  EXPECT_GT(split_first, 0u);
  EXPECT_EQ(s3_.objects().size(), 24u);
  auto rows = io::parse_csv(s3_.objects().at("cake/ClickReport_10012016_0000_0100.csv"));
  EXPECT_EQ(rows.size(), 6u);

  int64_t again = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  cake_.fault = [](const FakeCall& c) -> std::optional<net::HttpResponse> {
    if (c.method != "Clicks") return std::nullopt;
    return net::FakeHttpClient::fail(net::TransportError::kTimeout, "Operation timed out");
  };
  auto r = run(*handler(kClicksKind), again);
  ASSERT_EQ(r.status, StepStatus::kFailed);
  EXPECT_TRUE(r.failure.is_transient());
  EXPECT_TRUE(cake_.http().requests().back().retry_timeouts);  // the smallest window retries
  EXPECT_NE(r.failure.message.find("is at the smallest size and still times out"),
            std::string::npos)
      << r.failure.message;
  EXPECT_NE(r.failure.message.find("[2016-01-10T00:00:00Z, 2016-01-10T00:01:00Z)"),
            std::string::npos)
      << r.failure.message;
}

TEST_F(CakeClicksJob, HoursNotFinalWaitWithTheirCheckpointKept) {
  services_.now = at("2016-01-11T10:30:00Z");  // settle 1h: hours ending by 09:30
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-11");
  core::StepResult r = run(*handler(kClicksKind), id);
  ASSERT_EQ(r.status, StepStatus::kWait);
  EXPECT_EQ(format_iso8601(r.until), "2016-01-11T11:00:00Z");
  EXPECT_EQ(job(id).checkpoint, "2016-01-11T09:00:00Z");
  EXPECT_EQ(s3_.objects().size(), 33u);  // 24 + 9 hours
  settings_.settle = Seconds(0);         // with no settle time, 09:00-10:00 is final
  EXPECT_EQ(run(*handler(kClicksKind), id).status, StepStatus::kWait);
  EXPECT_EQ(s3_.objects().size(), 34u);
}

TEST_F(CakeClicksJob, BadSettingsAndUnknownTargetsFailPermanently) {
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  settings_.api_key = "";
  auto r = run(*handler(kClicksKind), id);
  EXPECT_EQ(r.failure.message, "cake: [cake] api_key is not set (or set FERRY_CAKE_API_KEY)");
  settings_.api_key = "secret-key-1";
  settings_.timezone = "Not/AZone";
  r = run(*handler(kClicksKind), id);
  EXPECT_NE(r.failure.message.find("cake: [cake] timezone 'Not/AZone' is not in the time zone"),
            std::string::npos)
      << r.failure.message;
  settings_.timezone = "UTC";
  auto h = handler(kClicksKind);
  settings_.s3 = "other";  // the factory only knows `reports`
  r = run(*h, id);
  EXPECT_FALSE(r.failure.is_transient());
  EXPECT_NE(r.failure.message.find("cake: upload of ClickReport_10012016_0000_0100.csv"),
            std::string::npos)
      << r.failure.message;
  EXPECT_EQ(job(id).checkpoint, "");
}

}  // namespace
}  // namespace ferry::cake::testing
