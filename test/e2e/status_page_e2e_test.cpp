// The status page through the real binary and a real browser: a state with runs, a failed job,
// outputs with links and alerts, rendered by headless Chromium; and a page for an empty state.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/ferry_fixture.h"
#include "ferry/base/time.h"
#include "ferry/state/store.h"
#include "support/png.h"
#include "support/requirements.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

// Where the screenshot and the page are kept after the test (build/ is not committed).
std::string artifact_dir() {
  std::string dir = repo_root() + "/build/test-artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs headless Chromium on `page` with `args` (a phone-sized window), its profile in `profile`.
RunResult chromium(const std::string& profile, const std::vector<std::string>& args,
                   const std::string& page) {
  std::vector<std::string> argv = {"chromium",
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--hide-scrollbars",
                                   "--user-data-dir=" + profile,
                                   "--window-size=412,900"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("file://" + page);
  return run_command(argv, {{"HOME", profile}}, "", std::chrono::seconds(90));
}

// A state with two succeeded jobs whose units recorded outputs with links, a failed job, an
// alert raised every run, and three runs.
void build_state(const FerryEnv& f) {
  const std::map<std::string, std::string> base = {{"FERRY_SELFTEST", "1"},
                                                   {"FERRY_SELFTEST_UNITS", "2"}};
  auto with = [&](std::map<std::string, std::string> more) {
    more.insert(base.begin(), base.end());
    return more;
  };
  for (const char* day : {"2016-01-10", "2016-01-11"})
    ASSERT_EQ(f.run({"queue", "selftest", "--from", day, "--to", day}, base).exit_code, 0);
  RunResult r = f.run({"run"}, with({{"FERRY_SELFTEST_OUTPUTS", "1"}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(
      f.run({"queue", "selftest", "--from", "2016-01-12", "--to", "2016-01-12"}, base).exit_code,
      0);
  r = f.run({"run"}, with({{"FERRY_SELFTEST_FAIL", "permanent"}}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  r = f.run({"run"}, with({{"FERRY_SELFTEST_CRITICAL", "1"}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// An SMTP server nobody listens on: alerts stay pending with the delivery error.
const char* kConfig =
    "[status]\nhtml_path = \"www/index.html\"\n"
    "[alerts]\nsmtp_url = \"smtp://127.0.0.1:9\"\ntimeout = \"2s\"\n";

TEST(StatusPageE2E, ChromiumShowsTheJobTableTheFailureReasonAndTheLinks) {
  FERRY_REQUIRE(missing_program("chromium", "chromium"));
  FerryEnv f(kConfig);
  build_state(f);
  const std::string page = f.path("www/index.html");
  ASSERT_TRUE(file_exists(page)) << f.all_logs();
  const std::string html = read_file(page);
  EXPECT_EQ(html.find("<script"), std::string::npos);

  RunResult dom = chromium(f.path("profile"), {"--dump-dom"}, page);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("id=\"jobs-table\""), std::string::npos) << dom.out;
  EXPECT_NE(dom.out.find("selftest: simulated permanent failure"), std::string::npos);
  EXPECT_NE(
      dom.out.find(
          "<a class=\"dl\" href=\"https://downloads.example.invalid/selftest/selftest-1-1.csv?"
          "X-Amz-Expires=86400&amp;X-Amz-Signature=0f\">download</a>"),
      std::string::npos)
      << dom.out;
  EXPECT_NE(dom.out.find("selftest-2-2.csv"), std::string::npos);
  EXPECT_NE(dom.out.find("selftest alarm"), std::string::npos);  // the pending alert
  EXPECT_NE(dom.out.find("<svg"), std::string::npos);
  EXPECT_EQ(dom.out.find("The state is empty"), std::string::npos);

  const std::string shot = artifact_dir() + "/status_page.png";
  std::filesystem::remove(shot);
  RunResult s = chromium(f.path("profile"), {"--screenshot=" + shot}, page);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  ASSERT_TRUE(file_exists(shot)) << s.err;
  Image img = decode_png(read_file(shot));
  EXPECT_EQ(img.width, 412);
  int64_t coloured = non_white_pixels(img);
  // Text, table rules, badges and the chart: far more than a blank page's none.
  EXPECT_GT(coloured, int64_t(img.width) * img.height / 100) << "screenshot looks blank: " << shot;
  std::filesystem::copy_file(page, artifact_dir() + "/status_page.html",
                             std::filesystem::copy_options::overwrite_existing);
}

TEST(StatusPageE2E, StatusHtmlWritesThePageAndAnEmptyStateSaysSo) {
  FerryEnv f;
  ASSERT_EQ(f.run({"init"}).exit_code, 0);
  RunResult r = f.run({"status", "--html", f.path("empty.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("status page written to " + f.path("empty.html")), std::string::npos);
  const std::string html = read_file(f.path("empty.html"));
  EXPECT_NE(html.find("The state is empty: no run, job, output, mark or alert yet."),
            std::string::npos);
  EXPECT_NE(html.find("No job is queued, running or failed."), std::string::npos);
  EXPECT_NE(html.find("schema " + std::to_string(state::migrations().back().version)),
            std::string::npos);
  EXPECT_FALSE(file_exists(f.path("www/index.html")));  // status.html_path is "" by default
}

TEST(StatusPageE2E, NoSecretReachesThePage) {
  FerryEnv f("[alerts]\npassword = \"hunter2-secret\"\n");
  ASSERT_EQ(f.run({"init"}).exit_code, 0);
  // Rows as an older version (or a server quoting the request) could have left them.
  f.exec(
      "INSERT INTO alerts(key, subject, body, created_at) VALUES ('k', 'login hunter2-secret "
      "refused', 'b', '2026-01-01T00:00:00Z'); INSERT INTO jobs(kind, status, error, created_at, "
      "updated_at) VALUES ('selftest', 'failed', 'HTTP 401 for key=hunter2%2Dsecret', "
      "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
  RunResult r = f.run({"status", "--html", f.path("page.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_file(f.path("page.html"));
  EXPECT_EQ(html.find("hunter2"), std::string::npos) << html;
  EXPECT_NE(html.find("login ******** refused"), std::string::npos);
  EXPECT_NE(html.find("HTTP 401 for key=********"), std::string::npos);
}

}  // namespace
}  // namespace ferry::testing
