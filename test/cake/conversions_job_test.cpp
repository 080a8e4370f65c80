// cake-conversions with a fake CAKE and a fake S3: one file per job, a checkpoint per window,
// the partial file cut back on resume, and identical bytes however the job was interrupted.
#include <gtest/gtest.h>

#include <filesystem>

#include "cake/pipeline_fixture.h"
#include "ferry/cake/checkpoint.h"
#include "ferry/crypto/hash.h"
#include "ferry/io/csv.h"
#include "ferry/io/files.h"

namespace ferry::cake::testing {
namespace {

using core::StepStatus;
namespace fs = std::filesystem;

constexpr const char* kKey = "cake/report_10012016_11012016.csv";

class CakeConversionsJob : public PipelineTest {
 protected:
  std::string partial(int64_t id) {
    return settings_.output_dir + "/.partial/job-" + std::to_string(id) +
           "-report_10012016_11012016.csv";
  }
  // The object an uninterrupted job makes.
  std::string reference() {
    std::string saved_prefix = settings_.s3_prefix;
    settings_.s3_prefix = "reference/";
    int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
    EXPECT_EQ(run(*handler(kConversionsKind), id).status, StepStatus::kDone);
    settings_.s3_prefix = saved_prefix;
    return s3_.objects().at("reference/report_10012016_11012016.csv");
  }
};

TEST_F(CakeConversionsJob, OneFileWithEveryRowAndACheckpointPerWindow) {
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  auto h = handler(kConversionsKind);
  ASSERT_EQ(run(*h, id, 1).status, StepStatus::kMore);
  auto cp = parse_conversion_checkpoint(job(id).checkpoint);
  ASSERT_TRUE(cp) << job(id).checkpoint;
  EXPECT_EQ(format_iso8601(cp->next), "2016-01-10T00:30:00Z");
  EXPECT_EQ(cp->bytes, static_cast<uint64_t>(io::file_size(partial(id))));
  EXPECT_EQ(cp->rows, 3);
  EXPECT_FALSE(cp->uploaded);
  EXPECT_EQ(job(id).progress_done, 1);
  EXPECT_EQ(job(id).progress_total, 96);
  EXPECT_TRUE(job(id).outputs.empty());

  ASSERT_EQ(run(*h, id).status, StepStatus::kDone);
  state::Job done = job(id);
  ASSERT_EQ(done.outputs.size(), 1u);
  const auto& out = done.outputs[0];
  const std::string& body = s3_.objects().at(kKey);
  EXPECT_EQ(out.name, "report_10012016_11012016.csv");
  EXPECT_EQ(out.s3_key, kKey);
  EXPECT_EQ(out.size, static_cast<int64_t>(body.size()));
  EXPECT_EQ(out.sha256, crypto::sha256_hex(body));
  EXPECT_EQ(out.rows, 240);
  EXPECT_FALSE(out.link.empty());
  EXPECT_EQ(out.path, settings_.output_dir + "/report_10012016_11012016.csv");
  EXPECT_EQ(ferry::testing::read_file(out.path), body);
  EXPECT_FALSE(fs::exists(partial(id)));
  EXPECT_EQ(done.progress_done, 96);
  EXPECT_TRUE(parse_conversion_checkpoint(done.checkpoint)->uploaded);

  auto rows = io::parse_csv(body);
  ASSERT_EQ(rows.size(), 241u);
  EXPECT_EQ(rows[0].size(), 50u);
  EXPECT_EQ(rows[0][0], "Conversion ID");
  auto expected = cake_.rows(false, at("2016-01-10T00:00:00Z"), at("2016-01-12T00:00:00Z"));
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(rows[i + 1][0], std::to_string(expected[i].id));
  EXPECT_EQ(rows[1][18], "EUR");  // Price Paid Currency
}

TEST_F(CakeConversionsJob, ResumeCutsOffRowsWrittenAfterTheCheckpoint) {
  std::string want = reference();
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  ASSERT_EQ(run(*handler(kConversionsKind), id, 10).status, StepStatus::kMore);
  std::string cp_before = job(id).checkpoint;
  {  // a crash after appending a window's rows, before recording them
    io::AppendFile f(partial(id));
    f.append("9999,rows,the,checkpoint,does,not,cover\r\n");
    f.sync();
  }
  ASSERT_EQ(run(*handler(kConversionsKind), id).status, StepStatus::kDone);
  EXPECT_EQ(s3_.objects().at(kKey), want);
  EXPECT_NE(cp_before, job(id).checkpoint);
}

TEST_F(CakeConversionsJob, AFailedWindowKeepsTheCheckpointAndARetryContinues) {
  std::string want = reference();
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  int calls = 0;
  cake_.fault = [&](const FakeCall& c) -> std::optional<net::HttpResponse> {
    if (c.method == "EventConversions" && ++calls == 20)
      return net::FakeHttpClient::respond(503, "busy");
    return std::nullopt;
  };
  auto r = run(*handler(kConversionsKind), id);
  ASSERT_EQ(r.status, StepStatus::kFailed);
  EXPECT_TRUE(r.failure.is_transient());
  EXPECT_EQ(format_iso8601(parse_conversion_checkpoint(job(id).checkpoint)->next),
            "2016-01-10T09:30:00Z");
  ASSERT_EQ(run(*handler(kConversionsKind), id).status, StepStatus::kDone);
  EXPECT_EQ(s3_.objects().at(kKey), want);
}

TEST_F(CakeConversionsJob, ALostPartialFileStartsTheJobOver) {
  std::string want = reference();
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  ASSERT_EQ(run(*handler(kConversionsKind), id, 7).status, StepStatus::kMore);
  fs::remove(partial(id));
  ASSERT_EQ(run(*handler(kConversionsKind), id).status, StepStatus::kDone);
  EXPECT_EQ(s3_.objects().at(kKey), want);
  EXPECT_EQ(job(id).outputs.at(0).rows, 240);
}

TEST_F(CakeConversionsJob, ACrashAfterTheUploadOnlyPlacesTheLocalCopy) {
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  ASSERT_EQ(run(*handler(kConversionsKind), id).status, StepStatus::kDone);
  std::string local = settings_.output_dir + "/report_10012016_11012016.csv";
  fs::rename(local, partial(id));  // as if the process died before the rename
  size_t puts = s3_.puts().size();
  auto h = handler(kConversionsKind);
  EXPECT_EQ(run(*h, id, 1).status, StepStatus::kDone);
  EXPECT_TRUE(fs::exists(local));
  EXPECT_FALSE(fs::exists(partial(id)));
  EXPECT_EQ(s3_.puts().size(), puts);  // not uploaded again
}

TEST_F(CakeConversionsJob, WindowsNotFinalWaitAndTheFileIsTheSameOnceTheyAre) {
  std::string want = reference();
  TimePoint later = services_.now;
  services_.now = at("2016-01-11T10:30:00Z");  // settle 1h: final up to 09:30
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  core::StepResult r = run(*handler(kConversionsKind), id);
  ASSERT_EQ(r.status, StepStatus::kWait);
  EXPECT_EQ(format_iso8601(r.until), "2016-01-11T11:00:00Z");  // the next window's end + 1h
  auto cp = parse_conversion_checkpoint(job(id).checkpoint);
  ASSERT_TRUE(cp);
  EXPECT_EQ(format_iso8601(cp->next), "2016-01-11T09:30:00Z");
  EXPECT_EQ(s3_.objects().count(kKey), 0u);
  services_.now = later;
  ASSERT_EQ(run(*handler(kConversionsKind), id).status, StepStatus::kDone);
  EXPECT_EQ(s3_.objects().at(kKey), want);
}

TEST_F(CakeConversionsJob, CancelHookRemovesOnlyItsJobsPartialFile) {
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  ASSERT_EQ(run(*handler(kConversionsKind), id, 2).status, StepStatus::kMore);
  ASSERT_TRUE(fs::exists(partial(id)));
  io::write_file_atomic(partial(id + 1), "another job's rows\n");
  remove_conversions_partial(settings_, services_.env, job(id));
  EXPECT_FALSE(fs::exists(partial(id)));
  EXPECT_TRUE(fs::exists(partial(id + 1)));
  remove_conversions_partial(settings_, services_.env, job(id));  // nothing left: no error
}

TEST_F(CakeConversionsJob, UnreadableCheckpointFailsPermanently) {
  int64_t id = enqueue(kConversionsKind, "2016-01-10", "2016-01-11");
  state::JobStore(store_).commit_unit(id, "{\"next\":\"yesterday\"}", 0, 96, {}, services_.now);
  auto r = run(*handler(kConversionsKind), id);
  ASSERT_EQ(r.status, StepStatus::kFailed);
  EXPECT_FALSE(r.failure.is_transient());
  EXPECT_NE(r.failure.message.find("unreadable checkpoint"), std::string::npos);
}

TEST(CakeCheckpoint, FormatsAndParsesBack) {
  ConversionCheckpoint c{*parse_iso8601("2016-01-10T05:30:00Z"), 12345, 67, false};
  std::string text = format_checkpoint(c);
  EXPECT_EQ(text, R"({"next":"2016-01-10T05:30:00Z","bytes":12345,"rows":67,"uploaded":false})");
  auto back = parse_conversion_checkpoint(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->next, c.next);
  EXPECT_EQ(back->bytes, 12345u);
  EXPECT_EQ(back->rows, 67);
  EXPECT_FALSE(parse_conversion_checkpoint("2016-01-10T05:30:00Z"));
  EXPECT_FALSE(parse_conversion_checkpoint(R"({"next":"x","bytes":1,"rows":1,"uploaded":false})"));
  EXPECT_FALSE(
      parse_conversion_checkpoint(R"({"next":"2016-01-10","bytes":-1,"rows":1,"uploaded":false})"));
}

}  // namespace
}  // namespace ferry::cake::testing
