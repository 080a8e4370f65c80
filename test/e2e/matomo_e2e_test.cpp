// Matomo log import end to end: the real bin/ferry, s3rver (pull and push targets under two
// prefixes of one bucket) and the Matomo stand-in (test/standins/matomo_server.py). Objects are
// put with the S3 client and their LastModified set through the file's mtime, which is what
// s3rver reports, so a day and its midnight are exact.
#include <gtest/gtest.h>
#include <signal.h>
#include <utime.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "e2e/ferry_fixture.h"
#include "e2e/matomo_standin.h"
#include "ferry/io/log_reader.h"
#include "ferry/io/zip_writer.h"
#include "ferry/net/curl_http.h"
#include "ferry/s3/client.h"
#include "support/requirements.h"
#include "support/s3rver.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class MatomoE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s3_ = std::make_unique<S3rver>("matomo-bucket");
    dir_ = std::make_unique<TempDir>();
    matomo_ = std::make_unique<MatomoStandin>(
        *dir_ / "matomo.log",
        std::vector<std::string>{"--site", "1=https://a.example", "--site", "2=https://b.example"});
    http_ = net::make_curl_http_client();
  }
  static void TearDownTestSuite() {
    matomo_.reset();
    s3_.reset();
    dir_.reset();
    http_.reset();
  }
  void SetUp() override {
    FERRY_REQUIRE(s3_->skip_reason());
    ASSERT_TRUE(s3_->ready()) << s3_->error();
    ASSERT_TRUE(matomo_->ready()) << "see " << (*dir_ / "matomo.log");
    matomo_->set_mode("reset");
    matomo_->clear_hits();
  }

  // A config importing sites a.example (1) and b.example (2) from `prefix`pull/; `extra` is
  // more of [matomo] (the archive target: push = "archive", under `prefix`push/).
  static std::string config(const std::string& prefix, const std::string& extra) {
    return "[alerts]\nto = []\n[run]\nmax_time = \"10m\"\njob_crashes = 100\n"
           "[matomo]\nenabled = true\ndaily_at = \"02:00\"\nurl = \"" +
           matomo_->url() + "\"\ntoken_auth = \"" + MatomoStandin::kToken +
           "\"\nwork_dir = \"work\"\n" + extra +
           "\n[[matomo.site]]\nname = \"a.example\"\nidsite = 1\nprefix = \"a.example/\"\n"
           "format = \"ncsa_extended\"\n[[matomo.site]]\nname = \"b.example\"\nidsite = 2\n"
           "prefix = \"b.example/\"\n" +
           s3_->config_table("logs", prefix + "pull/") +
           s3_->config_table("archive", prefix + "push/");
  }

  static s3::S3Client client(const std::string& prefix) {
    s3::S3Options o;
    o.endpoint = s3_->endpoint();
    o.bucket = s3_->bucket();
    o.prefix = prefix;
    o.path_style = true;
    o.credentials = {"S3RVER", "S3RVER", ""};
    return s3::S3Client(*http_, o);
  }
  // Puts `data` at `prefix` + `key` with LastModified `modified` (ISO 8601, whole seconds).
  static void put(const std::string& prefix, const std::string& key, const std::string& data,
                  const std::string& modified) {
    TempDir tmp;
    write_file(tmp / "f", data);
    client(prefix).put_file(key, tmp / "f");
    const std::string whole = prefix + key;
    const auto slash = whole.find_last_of('/');
    const std::string file = s3_->data_dir() + "/" + s3_->bucket() + "/" +
                             whole.substr(0, slash + 1) + whole.substr(slash + 1) +
                             "._S3rver_object";
    ASSERT_TRUE(file_exists(file)) << file;
    auto t = std::chrono::system_clock::to_time_t(*parse_iso8601(modified));
    struct utimbuf times {
      t, t
    };
    ASSERT_EQ(::utime(file.c_str(), &times), 0) << file;
  }
  static std::string get(const std::string& prefix, const std::string& key) {
    TempDir tmp;
    client(prefix).get_file(key, tmp / "f");
    return read_file(tmp / "f");
  }

  // `n` combined-format lines with paths /{tag}-{i}, 5 visitors.
  static std::string lines(const std::string& tag, int n) {
    std::string out;
    for (int i = 0; i < n; ++i)
      out += "198.51.100." + std::to_string(i % 5) +
             " - - [05/Mar/2015:10:" + (i / 60 % 60 < 10 ? "0" : "") + std::to_string(i / 60 % 60) +
             ":" + (i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + " +0000] \"GET /" + tag +
             "-" + std::to_string(i) + " HTTP/1.1\" 200 512 \"-\" \"Browser/1.0\"\n";
    return out;
  }
  static std::string zip(const std::vector<std::string>& members) {
    TempDir tmp;
    io::ZipWriter z(tmp / "z.zip");
    for (size_t i = 0; i < members.size(); ++i) {
      z.begin_member("access-" + std::to_string(i) + ".log");
      z.write(members[i]);
      z.end_member();
    }
    z.finish();
    return read_file(tmp / "z.zip");
  }
  // The urls of the stored hits, sorted (a multiset).
  static std::vector<std::string> stored_urls() {
    std::vector<std::string> out;
    for (const auto& h : matomo_->hits()) out.push_back(h["url"].get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::vector<std::string> urls(const std::string& site, const std::string& tag, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
      out.push_back("https://" + site + "/" + tag + "-" + std::to_string(i));
    return out;
  }

  static std::unique_ptr<S3rver> s3_;
  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<MatomoStandin> matomo_;
  static std::unique_ptr<net::HttpClient> http_;
};

std::unique_ptr<S3rver> MatomoE2E::s3_;
std::unique_ptr<TempDir> MatomoE2E::dir_;
std::unique_ptr<MatomoStandin> MatomoE2E::matomo_;
std::unique_ptr<net::HttpClient> MatomoE2E::http_;

TEST_F(MatomoE2E, ADayOfTwoSitesIsImportedOnceArchivedAndCounted) {
  const std::string p = "day/";
  const std::string a0 = lines("a0", 30), a1 = lines("a1", 12), a2 = lines("a2", 9);
  const std::string b0 = lines("b0", 20);
  const std::string zip_a1 = zip({a0, a1}), zip_a2 = zip({a2}), zip_b = zip({b0});
  put(p + "pull/", "a.example/2015-03-05-1.zip", zip_a1, "2015-03-05T00:00:00Z");  // midnight
  put(p + "pull/", "a.example/2015-03-05-2.zip", zip_a2, "2015-03-05T23:59:59Z");
  put(p + "pull/", "a.example/2015-03-06-1.zip", zip({lines("next", 4)}),
      "2015-03-06T00:00:00Z");  // the next midnight: the 6th only
  put(p + "pull/", "b.example/2015-03-05.zip", zip_b, "2015-03-05T12:00:00Z");
  FerryEnv f(config(p, "daily = true\npush = \"archive\"\n"));
  f.env["FERRY_NOW"] = "2015-03-06T03:00:00Z";
  RunResult r = f.run({"run"});
  ASSERT_EQ(r.exit_code, 0) << r.err << f.all_logs();
  std::vector<std::string> want = urls("a.example", "a0", 30);
  for (const auto& more :
       {urls("a.example", "a1", 12), urls("a.example", "a2", 9), urls("b.example", "b0", 20)})
    want.insert(want.end(), more.begin(), more.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(stored_urls(), want);

  // A second run, and a backfill of the same day, send nothing.
  EXPECT_EQ(f.run({"run"}).exit_code, 0);
  RunResult q = f.run({"queue", "matomo-import", "--from", "2015-03-05", "--to", "2015-03-05"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 2);  // one job per site
  EXPECT_EQ(f.run({"run"}).exit_code, 0);
  EXPECT_EQ(stored_urls(), want);
  EXPECT_EQ(f.sql("SELECT COUNT(*) FROM jobs WHERE status != 'succeeded'"), "0");

  // The archive: members byte-identical to the imported logs, in import order.
  TempDir tmp;
  write_file(tmp / "a.zip", get(p + "push/", "2015/March/05/a.example-March-05-2015.log.zip"));
  io::LogReader reader(tmp / "a.zip");
  std::vector<std::pair<std::string, std::string>> members;
  while (reader.next_member()) {
    std::string bytes;
    std::string_view chunk;
    while (reader.next_chunk(chunk)) bytes += chunk;
    members.emplace_back(reader.member_name(), bytes);
  }
  EXPECT_EQ(members,
            (std::vector<std::pair<std::string, std::string>>{{"a.example-March-05-0.log", a0},
                                                              {"a.example-March-05-1.log", a1},
                                                              {"a.example-March-05-2.log", a2}}));
  EXPECT_FALSE(get(p + "push/", "2015/March/05/b.example-March-05-2015.log.zip").empty());

  // The 6th: only the object modified at its midnight.
  q = f.run({"queue", "matomo-import", "--site", "a.example", "--from", "2015-03-06", "--to",
             "2015-03-06"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(f.run({"run"}).exit_code, 0);
  EXPECT_EQ(stored_urls().size(), want.size() + 4);

  RunResult csv = f.run({"stats", "matomo", "--csv", "--from", "2015-03-05", "--to", "2015-03-05"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string header =
      "\"site\",\"date\",\"files\",\"bytes\",\"avg_bytes_per_file\",\"lines\",\"hits_sent\","
      "\"hits_confirmed\",\"invalid_lines\",\"skipped_lines\",\"maybe_sent_twice\"\n";
  const size_t bytes_a = zip_a1.size() + zip_a2.size();
  EXPECT_EQ(csv.out, header + "\"a.example\",\"2015-03-05\",\"2\",\"" + std::to_string(bytes_a) +
                         "\",\"" + std::to_string(bytes_a / 2) +
                         "\",\"51\",\"51\",\"51\",\"0\",\"0\",\"0\"\n\"b.example\",\"2015-03-05\","
                         "\"1\",\"" +
                         std::to_string(zip_b.size()) + "\",\"" + std::to_string(zip_b.size()) +
                         "\",\"20\",\"20\",\"20\",\"0\",\"0\",\"0\"\n");
}

TEST_F(MatomoE2E, KillNineAtRandomMomentsLosesNoHitAndDuplicatesStayWithinInFlight) {
  const std::string p = "kill/";
  put(p + "pull/", "a.example/1.log", lines("k1", 10000), "2015-03-05T08:00:00Z");
  put(p + "pull/", "a.example/2.log", lines("k2", 10000), "2015-03-05T09:00:00Z");
  FerryEnv f(config(p, "recorders = 4\nbatch_size = 50\n"));
  f.env["FERRY_NOW"] = "2015-03-06T03:00:00Z";
  matomo_->set_mode("slow", 40);  // about 5,000 hits/s: some seconds of work to cut
  RunResult q = f.run({"queue", "matomo-import", "--site", "a.example", "--from", "2015-03-05",
                       "--to", "2015-03-05"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  std::mt19937 random(20150305);
  std::uniform_int_distribution<int> moment(30, 900);
  int killed = 0;
  for (int trial = 0; trial < 10; ++trial) {
    Child run(f.argv({"run"}), f.environment({}));
    std::this_thread::sleep_for(std::chrono::milliseconds(moment(random)));
    if (!run.running()) break;  // finished before its moment
    run.signal(SIGKILL);
    run.wait(10s);
    ++killed;
  }
  EXPECT_GE(killed, 5);
  matomo_->set_mode("reset");
  const std::string status =
      "SELECT status FROM jobs WHERE id = " + std::to_string(std::stoll(q.out));
  for (int i = 0; i < 3 && f.sql(status) != "succeeded"; ++i) f.run({"run"});
  ASSERT_EQ(f.sql("SELECT COUNT(*) FROM matomo_objects WHERE status = 'imported'"), "2")
      << f.all_logs();
  std::vector<std::string> want = urls("a.example", "k1", 10000);
  auto k2 = urls("a.example", "k2", 10000);
  want.insert(want.end(), k2.begin(), k2.end());
  std::sort(want.begin(), want.end());
  auto got = stored_urls();
  auto unique = got;
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  EXPECT_EQ(unique, want);  // no hit lost
  const int64_t twice = std::stoll(f.sql("SELECT SUM(maybe_twice) FROM matomo_objects"));
  EXPECT_LE(static_cast<int64_t>(got.size() - want.size()), twice)
      << "hits sent twice beyond the recorded in-flight count";
  std::cout << "kill -9 trials: " << killed << " killed, " << got.size() - want.size()
            << " hits sent twice, " << twice << " recorded as maybe sent twice\n";
  RunResult stats = f.run({"stats", "matomo", "--site", "a.example"});
  EXPECT_NE(stats.out.find("20000"), std::string::npos) << stats.out;
}

TEST_F(MatomoE2E, ImportCommandPrintsTheSummaryAndExitsOneWhenSendingFails) {
  FerryEnv f(config("cmd/", "retry_delay = \"1s\"\n"));
  write_file(f.path("access.log"), lines("c", 10) + "garbage line\n");
  RunResult dry =
      f.run({"import", "matomo", "--site", "a.example", "--dry-run", f.path("access.log")});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("lines: 11"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("hits: 10"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("invalid lines: 1"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("(line 11)"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("lines/s"), std::string::npos) << dry.out;
  EXPECT_TRUE(stored_urls().empty());
  RunResult sent = f.run({"import", "matomo", "--site", "a.example", f.path("access.log")});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(stored_urls(), urls("a.example", "c", 10) /* sorted: c-0..c-9 */);
  matomo_->set_mode("error500");
  RunResult failed = f.run({"import", "matomo", "--site", "a.example", f.path("access.log")});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_EQ(failed.err.find(MatomoStandin::kToken), std::string::npos);
  RunResult wrong = f.run({"queue", "cake-clicks", "--site", "a.example", "--from", "2015-03-05",
                           "--to", "2015-03-05"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("takes no --site"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace ferry::testing
