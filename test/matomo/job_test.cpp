// matomo-import: a day's objects imported once (a second job sends nothing), resumed after a
// failure without losing a hit, the archive ZIP at its key with byte-identical members, a
// failed upload retried without re-import, archive_command, alerts, and `ferry queue` params.
#include <algorithm>

#include "ferry/io/log_reader.h"
#include "ferry/io/zip_writer.h"
#include "matomo/job_fixture.h"

namespace ferry::matomo::testing {
namespace {

using ferry::testing::write_file;

std::string zip_of(const std::string& path, const std::vector<std::string>& members) {
  io::ZipWriter zip(path);
  for (size_t i = 0; i < members.size(); ++i) {
    zip.begin_member("log-" + std::to_string(i) + ".txt");
    zip.write(members[i]);
    zip.end_member();
  }
  zip.finish();
  return ferry::testing::read_file(path);
}

// Every member of the ZIP in `data`, as bytes.
std::vector<std::pair<std::string, std::string>> members_of(const std::string& path,
                                                            const std::string& data) {
  write_file(path, data);
  io::LogReader r(path);
  std::vector<std::pair<std::string, std::string>> out;
  while (r.next_member()) {
    std::string bytes;
    std::string_view chunk;
    while (r.next_chunk(chunk)) bytes += chunk;
    out.emplace_back(r.member_name(), bytes);
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> expected_urls(const std::vector<std::pair<std::string, int>>& tags) {
  std::vector<std::string> out;
  for (const auto& [tag, n] : tags)
    for (int i = 0; i < n; ++i)
      out.push_back("https://example.org/" + tag + "-" + std::to_string(i));
  return sorted(out);
}

TEST_F(MatomoJobTest, ImportsTheDayOnceArchivesItAndASecondJobSendsNothing) {
  const std::string a0 = log_lines("a0", 7), a1 = log_lines("a1", 4), b = log_lines("b", 5);
  put("example.org/1.zip", zip_of(dir_ / "1.zip", {a0, a1}), "2015-03-05T00:00:00.000Z");
  put("example.org/2.log", b, "2015-03-05T23:59:59.000Z");
  put("example.org/3.log", log_lines("c", 2), "2015-03-06T00:00:00.000Z");  // the next day
  put("other.org/4.log", log_lines("d", 2), "2015-03-05T10:00:00.000Z");
  int64_t id = enqueue("2015-03-05", "2015-03-05");
  ASSERT_EQ(run(id).status, core::StepStatus::kDone);
  EXPECT_EQ(sorted(matomo_.urls), expected_urls({{"a0", 7}, {"a1", 4}, {"b", 5}}));
  auto objs = objects("2015-03-05");
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0].status, kImported);
  EXPECT_EQ(objs[0].lines, 11);
  EXPECT_EQ(objs[0].hits_confirmed, 11);
  EXPECT_EQ(objs[0].members, 2);
  EXPECT_EQ(objs[1].hits, 5);
  EXPECT_EQ(objs[1].maybe_twice, 0);
  const std::string key = "2015/March/05/example.org-March-05-2015.log.zip";
  ASSERT_EQ(push_.objects().count(key), 1u);
  auto members = members_of(dir_ / "got.zip", push_.objects().at(key));
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0], std::make_pair(std::string("example.org-March-05-0.log"), a0));
  EXPECT_EQ(members[1], std::make_pair(std::string("example.org-March-05-1.log"), a1));
  EXPECT_EQ(members[2], std::make_pair(std::string("example.org-March-05-2.log"), b));
  EXPECT_EQ(MatomoStore(store_).day("example.org", "2015-03-05").archive_status, kArchiveUploaded);
  EXPECT_TRUE(ferry::testing::list_dir(dir_ / "work/example.org/2015-03-05").empty());
  auto job = *state::JobStore(store_).get(id);
  EXPECT_EQ(job.checkpoint, "2015-03-06");
  EXPECT_EQ(job.progress_done, 1);
  EXPECT_EQ(job.progress_total, 1);

  const size_t sent = matomo_.urls.size();
  const size_t puts = push_.puts().size();
  ASSERT_EQ(run(enqueue("2015-03-05", "2015-03-05")).status, core::StepStatus::kDone);
  EXPECT_EQ(matomo_.urls.size(), sent);
  EXPECT_EQ(push_.puts().size(), puts);
  EXPECT_TRUE(alerts_.events.empty());
}

TEST_F(MatomoJobTest, AFailedImportResumesAfterItsConfirmedLineWithoutLosingAHit) {
  put("example.org/1.log", log_lines("a", 40), "2015-03-05T12:00:00Z");
  settings_.recorders = 1;
  matomo_.fail_from = 6;  // index.php, then four bulk requests pass
  int64_t id = enqueue("2015-03-05", "2015-03-05");
  auto r = run(id);
  ASSERT_EQ(r.status, core::StepStatus::kFailed);
  EXPECT_EQ(r.failure.kind, FailureKind::kPermanent);
  EXPECT_NE(r.failure.message.find("example.org/1.log"), std::string::npos) << r.failure.message;
  auto o = objects("2015-03-05")[0];
  EXPECT_EQ(o.status, kImporting);
  EXPECT_GT(o.confirmed_line, 0);
  EXPECT_LT(o.confirmed_line, 40);
  EXPECT_EQ(o.hits_confirmed, static_cast<int64_t>(matomo_.urls.size()));
  matomo_.fail_from = 0;
  ASSERT_EQ(run(id).status, core::StepStatus::kDone);
  o = objects("2015-03-05")[0];
  EXPECT_EQ(o.status, kImported);
  // Every line arrived; what arrived twice is within what was recorded as in flight.
  auto urls = matomo_.urls;
  auto unique = sorted(urls);
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  EXPECT_EQ(unique, expected_urls({{"a", 40}}));
  EXPECT_LE(static_cast<int64_t>(urls.size() - 40), o.maybe_twice);
  EXPECT_EQ(o.hits_confirmed, static_cast<int64_t>(urls.size()));
}

TEST_F(MatomoJobTest, AFailedUploadIsRetriedNextRunWithoutReimport) {
  put("example.org/1.log", log_lines("a", 5), "2015-03-05T12:00:00Z");
  settings_.job_attempts = 2;
  int64_t id = enqueue("2015-03-05", "2015-03-05");
  push_.fail_next("put", Failure::transient("HTTP 503 SlowDown"));
  auto r = run(id);
  ASSERT_EQ(r.status, core::StepStatus::kWait);
  EXPECT_TRUE(alerts_.events.empty());
  EXPECT_EQ(objects("2015-03-05")[0].status, kImported);
  push_.fail_next("put", Failure::transient("HTTP 503 SlowDown"));
  ASSERT_EQ(run(id).status, core::StepStatus::kWait);
  ASSERT_EQ(alerts_.events.size(), 1u);  // the second failure in a row
  EXPECT_EQ(alerts_.events[0].key, "matomo:example.org:archive:2015-03-05");
  EXPECT_EQ(MatomoStore(store_).day("example.org", "2015-03-05").archive_failures, 2);
  ASSERT_EQ(run(id).status, core::StepStatus::kDone);
  EXPECT_EQ(matomo_.urls.size(), 5u);  // imported once
  EXPECT_EQ(push_.objects().size(), 1u);
}

TEST_F(MatomoJobTest, WithoutPushTheLocalCopyGoesAfterTheImport) {
  settings_.push = "";
  put("example.org/1.log", log_lines("a", 3), "2015-03-05T12:00:00Z");
  ASSERT_EQ(run(enqueue("2015-03-05", "2015-03-05")).status, core::StepStatus::kDone);
  EXPECT_EQ(matomo_.urls.size(), 3u);
  EXPECT_TRUE(ferry::testing::list_dir(dir_ / "work/example.org/2015-03-05").empty());
  EXPECT_EQ(MatomoStore(store_).day("example.org", "2015-03-05").archive_status, kArchiveNone);
}

TEST_F(MatomoJobTest, ArchiveCommandRunsAfterADayWithHitsAndAFailureIsAnAlert) {
  settings_.archive_command = "echo archiving $MATOMO_IDSITE $MATOMO_DAY; exit 4";
  put("example.org/1.log", log_lines("a", 3), "2015-03-05T12:00:00Z");
  ASSERT_EQ(run(enqueue("2015-03-04", "2015-03-05")).status, core::StepStatus::kDone);
  EXPECT_TRUE(MatomoStore(store_).day("example.org", "2015-03-04").command_status.empty());
  DayRecord d = MatomoStore(store_).day("example.org", "2015-03-05");
  EXPECT_EQ(d.command_status, "failed");
  EXPECT_EQ(d.command_note, "exit 4");
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].key, "matomo:example.org:archive_command");
  EXPECT_NE(alerts_.events[0].body.find("archiving 1 2015-03-05"), std::string::npos);
}

TEST_F(MatomoJobTest, ARefusedTokenFailsTheJobWithAnAlert) {
  matomo_.refuse_token = true;
  put("example.org/1.log", log_lines("a", 3), "2015-03-05T12:00:00Z");
  auto r = run(enqueue("2015-03-05", "2015-03-05"));
  ASSERT_EQ(r.status, core::StepStatus::kFailed);
  EXPECT_EQ(r.failure.kind, FailureKind::kPermanent);
  ASSERT_EQ(alerts_.events.size(), 1u);
  EXPECT_EQ(alerts_.events[0].key, "matomo:example.org:refused");
  EXPECT_EQ(alerts_.events[0].body.find("tok-secret"), std::string::npos);
}

TEST_F(MatomoJobTest, DisabledOrUnknownSiteFailsPermanently) {
  int64_t id = state::JobStore(store_).enqueue(kImportKind, "2015-03-05", "2015-03-05",
                                               job_params("gone.org"), services_.now);
  auto r = run(id);
  ASSERT_EQ(r.status, core::StepStatus::kFailed);
  EXPECT_NE(r.failure.message.find("'gone.org'"), std::string::npos);
  settings_.enabled = false;
  EXPECT_EQ(run(enqueue("2015-03-05", "2015-03-05")).status, core::StepStatus::kFailed);
}

TEST(MatomoQueueParams, OneJobPerSiteOrTheNamedOne) {
  config::ConfigSchema schema;
  core::declare_core_config(schema);
  declare_matomo_config(schema);
  ferry::testing::TempDir dir;
  write_file(dir / "f.toml",
             "[[matomo.site]]\nname = \"a.org\"\nidsite = 1\n[[matomo.site]]\nname = \"b.org\"\n"
             "idsite = 2\n");
  config::LoadOptions o;
  o.file = dir / "f.toml";
  auto c = config::load(schema, o);
  EXPECT_EQ(queue_params(c, {}),
            (std::vector<std::string>{R"({"site":"a.org"})", R"({"site":"b.org"})"}));
  EXPECT_EQ(queue_params(c, {{"site", "b.org"}}),
            (std::vector<std::string>{R"({"site":"b.org"})"}));
  EXPECT_THROW(queue_params(c, {{"site", "c.org"}}), UsageError);
  EXPECT_EQ(site_of_params(R"({"site":"b.org"})"), "b.org");
  EXPECT_EQ(site_of_params("{}"), "");
}

}  // namespace
}  // namespace ferry::matomo::testing
