// A reply cut short after some of its records already reached the job's file (they are
// written as they are converted): the reply is asked for again, and the file committed for the
// hour (clicks) or the window (conversions) holds every row once.
#include <gtest/gtest.h>

#include "cake/pipeline_fixture.h"
#include "ferry/cake/checkpoint.h"
#include "ferry/cake/report_stream.h"
#include "ferry/io/csv.h"

namespace ferry::cake::testing {
namespace {

using core::StepStatus;

class CakeCutReply : public PipelineTest {
 protected:
  // Cuts the body of the first `count` replies to `method` over 800 kB (10,000 rows) at 90%:
  // enough rows before the cut that some of their records were written already.
  void cut_first(const std::string& method, int count) {
    cake_.alter = [this, method, count](const FakeCall& c, net::HttpResponse& r) {
      if (c.method != method || cuts_ >= count || r.body.size() < 800000) return;
      // The records before the cut (about half the JSON's size) are more than one batch.
      ASSERT_GT(r.body.size() * 9 / 10 / 2, ReportConverter::kFlushBytes);
      r.body.resize(r.body.size() * 9 / 10);
      ++cuts_;
    };
  }
  // The ids in the first column of a CSV's data rows.
  static std::vector<std::string> ids(const std::string& csv) {
    std::vector<std::string> out;
    auto rows = io::parse_csv(csv);
    for (size_t i = 1; i < rows.size(); ++i) out.push_back(rows[i][0]);
    return out;
  }
  std::vector<std::string> want(bool clicks, const char* from, const char* to) {
    std::vector<std::string> out;
    for (const auto& r : cake_.rows(clicks, at(from), at(to))) out.push_back(std::to_string(r.id));
    return out;
  }
  int cuts_ = 0;
};

TEST_F(CakeCutReply, TheHourFileHoldsEveryRowOnce) {
  cake_.add_burst(true, at("2016-01-10T00:01:00Z"), 300, 10000);
  cut_first("Clicks", 2);
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  ASSERT_EQ(run(*handler(kClicksKind), id).status, StepStatus::kDone);
  EXPECT_EQ(cuts_, 2);
  auto got = ids(s3_.objects().at("cake/ClickReport_10012016_0000_0100.csv"));
  EXPECT_EQ(got.size(), 10005u);
  EXPECT_EQ(got, want(true, "2016-01-10T00:00:00Z", "2016-01-10T01:00:00Z"));
}

TEST_F(CakeCutReply, TheConversionsFileHoldsEveryRowOnce) {
  cake_.add_burst(false, at("2016-01-10T05:00:00Z"), 600, 10000);
  cut_first("EventConversions", 1);
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-10");
  ASSERT_EQ(run(*handler(kConversionsKind), id).status, StepStatus::kDone);
  EXPECT_EQ(cuts_, 1);
  auto got = ids(s3_.objects().at("cake/report_10012016_10012016.csv"));
  EXPECT_EQ(got, want(false, "2016-01-10T00:00:00Z", "2016-01-11T00:00:00Z"));
}

TEST_F(CakeCutReply, ACutReplyEveryTimeFailsTheHourWithNothingCommitted) {
  cake_.add_burst(true, at("2016-01-10T00:01:00Z"), 300, 10000);
  cut_first("Clicks", 1000);
  int64_t id = enqueue(kClicksKind, "2016-01-10", "2016-01-10");
  auto r = run(*handler(kClicksKind), id);
  ASSERT_EQ(r.status, StepStatus::kFailed);
  EXPECT_TRUE(r.failure.is_transient());
  EXPECT_NE(r.failure.message.find("3 replies"), std::string::npos) << r.failure.message;
  EXPECT_TRUE(s3_.objects().empty());
  EXPECT_EQ(job(id).checkpoint, "");
  for (const auto& name : ferry::testing::list_dir(settings_.output_dir))
    ADD_FAILURE() << "left behind: " << name;
}

}  // namespace
}  // namespace ferry::cake::testing
