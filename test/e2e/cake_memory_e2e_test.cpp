// A CAKE reply far larger than ferry's memory goal, end to end: the real bin/ferry exports an
// hour whose one Clicks reply holds 100,000 rows (about 150 MB of JSON) from the CAKE stand-in
// to s3rver, and its peak resident memory stays under 64 MiB, because the reply is converted
// as it arrives and never held whole.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "e2e/ferry_fixture.h"
#include "ferry/net/curl_http.h"
#include "support/requirements.h"
#include "support/s3rver.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKey = "e2e-cake-memory-key";
constexpr int64_t kRows = 100000;
constexpr long kGoalKib = 64 * 1024;

// One click row of about 1 KB, every column filled, as CAKE writes it.
void write_row(std::ofstream& out, int64_t id, int64_t ms) {
  out << R"({"click_id":)" << id << R"(,"visitor_id":)" << id * 7 << R"(,"tracking_id":"t)" << id
      << R"(","request_session_id":)" << id * 3
      << R"(,"udid":"3f2a9c1e-77aa-4b1e-9d3c-0c5e8b7f1a2d","click_date":"\/Date()" << ms
      << R"(-0800)\/","source_affiliate":{"source_affiliate_id":12,"source_affiliate_name":)"
      << R"("Acme Media, Inc."},"brand_advertiser":{"brand_advertiser_id":3,)"
      << R"("brand_advertiser_name":"Caf\u00e9 \"Quoted\" Brand"},"site_offer":{"site_offer_id":)"
      << R"(77,"site_offer_name":"Offer name that is fairly long"},"campaign":{"campaign_id":)"
      << R"(9001},"creative":{"creative_id":614,"creative_name":"Banner 300x250"},"sub_id_1":)"
      << R"("s1","sub_id_2":"a,b","sub_id_3":null,"sub_id_4":"x","sub_id_5":"y","ip_address":)"
      << R"("203.0.113.192","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) )"
      << R"(AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36",)"
      << R"("referrer_url":"https://example.com/landing?a=1&b=2","request_url":)"
      << R"("https://example.com/click?offer=77&sub=s1","redirect_url":)"
      << R"("https://example.com/x?q=a,b,c","country":{"country_code":"US"},"region":)"
      << R"({"region_name":"S\u00e3o Paulo"},"language":{"language_name":"English"},"isp":)"
      << R"({"isp_name":"Example ISP"},"device":{"device_name":"Desktop"},"operating_system":)"
      << R"({"operating_system_name":"Windows","operating_system_version":{"version_name":"10"},)"
      << R"("operating_system_version_minor":{"version_name":"0"}},"browser":{"browser_name":)"
      << R"("Chrome","browser_version":{"version_name":"58"},"browser_version_minor":)"
      << R"({"version_name":"0"}},"disposition":"Approved","paid_action":"CPC","paid":)"
      << R"({"currency_id":1,"amount":0.25},"duplicate":false,"duplicate_clicks":0,)"
      << R"("total_clicks":1})";
}

// A Clicks reply for 2016-01-10 00:00-01:00 UTC with kRows rows; returns its size.
int64_t write_reply(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << R"({"d":{"__type":"ClickReportResponse","success":true,"message":null,"row_count":)"
      << kRows << R"(,"clicks":[)";
  const int64_t hour_ms = 1452384000000;
  for (int64_t i = 0; i < kRows; ++i) {
    if (i) out << ',';
    write_row(out, 500000000 + i, hour_ms + i * 35);
  }
  out << "]}}";
  out.flush();
  return static_cast<int64_t>(out.tellp());
}

TEST(CakeMemoryE2E, AHundredThousandRowReplyIsExportedInUnder64MiB) {
  S3rver s3("cake-memory");
  FERRY_REQUIRE(s3.skip_reason());
  ASSERT_TRUE(s3.ready()) << s3.error();
  TempDir dir;
  const std::string reply = dir / "clicks.json";
  const int64_t reply_bytes = write_reply(reply);
  ASSERT_GT(reply_bytes, 90 * 1024 * 1024);  // larger than the memory goal by far

  const int port = free_port();
  Child cake({system_python(), repo_root() + "/test/standins/cake_server.py", "--port",
              std::to_string(port), "--clicks-per-hour", "0", "--api-key", kKey},
             {}, "", dir / "cake.log");
  ASSERT_TRUE(wait_for_port(port, 10s)) << "the CAKE stand-in did not start";
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto http = net::make_curl_http_client();
  net::HttpRequest rule;
  rule.method = "POST";
  rule.url = url + "/_control";
  rule.headers = {{"Content-Type", "application/json"}};
  rule.body.data =
      nlohmann::json{{"mode", "file"}, {"path", reply}, {"methods", {"Clicks"}}}.dump();
  ASSERT_EQ(http->send(rule).status, 200);

  // One window for the whole hour, and a row limit above the reply's rows: one call, one reply.
  FerryEnv f("[alerts]\nto = []\n[run]\nmax_time = \"10m\"\n[cake]\nadmin_url = \"" + url +
             "\"\napi_key = \"" + kKey +
             "\"\ns3_prefix = \"memory/\"\nclick_window = \"1h\"\nrow_limit = 1000000\n"
             "keep_local = false\n" +
             s3.config_table("reports"));
  f.env["FERRY_NOW"] = "";
  ASSERT_EQ(f.run({"queue", "cake-clicks", "--from", "10-01-2016", "--to", "10-01-2016"}).exit_code,
            0);
  Child run(f.argv({"run"}), f.environment({}), f.dir(), f.path("run.log"));
  ASSERT_EQ(run.wait(120s), 0) << f.all_logs();
  EXPECT_EQ(f.sql("SELECT status FROM jobs"), "succeeded") << f.all_logs();
  EXPECT_EQ(f.sql("SELECT rows FROM job_outputs WHERE name = 'ClickReport_10012016_0000_0100.csv'"),
            std::to_string(kRows));
  EXPECT_EQ(f.sql("SELECT sum(rows) FROM job_outputs"), std::to_string(kRows));
  ASSERT_GT(run.max_rss_kib(), 0);
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer's shadow memory and quarantine are not ferry's
  EXPECT_LT(run.max_rss_kib(), kGoalKib)
      << "peak RSS " << run.max_rss_kib() << " KiB for a " << reply_bytes << "-byte reply";
#endif
  RecordProperty("peak_rss_kib", std::to_string(run.max_rss_kib()));
}

}  // namespace
}  // namespace ferry::testing
