// The CAKE building blocks against the stand-in server (test/standins/cake_server.py), with
// the curl tool as the HTTP client: replies convert to the rows the stand-in says exist, and
// the window planner reads a dense hour without losing or repeating a row.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "ferry/cake/client.h"
#include "ferry/cake/report_stream.h"
#include "ferry/cake/requests.h"
#include "ferry/cake/responses.h"
#include "ferry/cake/windows.h"
#include "ferry/io/csv.h"
#include "ferry/net/curl_http.h"
#include "support/process.h"

namespace ferry::cake {
namespace {

using nlohmann::json;
namespace ft = ferry::testing;

struct Reply {
  int status = 0;
  std::string body;
};

class CakeStandinIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    port_ = ft::free_port();
    server_ = std::make_unique<ft::Child>(std::vector<std::string>{
        ft::system_python(), ft::repo_root() + "/test/standins/cake_server.py", "--port",
        std::to_string(port_), "--seed", "11", "--clicks-per-hour", "150", "--conversions-per-hour",
        "20", "--api-key", "k1"});
    ASSERT_TRUE(ft::wait_for_port(port_, std::chrono::seconds(10)));
  }
  static void TearDownTestSuite() { server_.reset(); }

  static std::string base() { return "http://127.0.0.1:" + std::to_string(port_); }

  static Reply call(const std::string& url, const std::string& body = "") {
    std::vector<std::string> argv = {"curl",          "-s", "-S", "--max-time", "60", "-w",
                                     "\n%{http_code}"};
    if (!body.empty()) {
      for (const char* a : {"-X", "POST", "-H", "Content-Type: application/json", "--data-binary"})
        argv.emplace_back(a);
      argv.push_back(body);
    }
    argv.push_back(url);
    auto r = ft::run_command(argv);
    size_t nl = r.out.rfind('\n');
    if (r.exit_code != 0 || nl == std::string::npos) return {};
    return {std::stoi(r.out.substr(nl + 1)), r.out.substr(0, nl)};
  }

  static int64_t expected(const char* report, const char* start, const char* end) {
    auto r = call(base() + "/_control/count?start=" + start + "&end=" + end);
    return json::parse(r.body)[report].get<int64_t>();
  }

  static TimePoint at(const char* iso) { return *parse_iso8601(iso); }

  static inline int port_ = 0;
  static inline std::unique_ptr<ft::Child> server_;
};

TEST_F(CakeStandinIntegration, ClicksReplyHasTheExpectedRows) {
  CellRules rules;
  auto cur = parse_currencies(call(currencies_url(base()), currencies_request_body("k1")).body);
  ASSERT_TRUE(cur.ok());
  rules.currencies = cur.currencies;
  ReportSlice slice{at("2016-01-10T00:00:00Z"), at("2016-01-10T02:00:00Z"), 0, 0};
  Reply reply = call(clicks_url(base(), 11), clicks_request_body("k1", slice));
  ASSERT_EQ(reply.status, 200);
  std::string csv;
  auto r = convert_report(Report::kClicks, reply.body, rules, csv);
  ASSERT_TRUE(r.ok()) << r.failure->message;
  EXPECT_EQ(r.rows, expected("clicks", "2016-01-10T00:00:00", "2016-01-10T02:00:00"));
  EXPECT_EQ(r.row_count, r.rows);
  auto rows = io::parse_csv(csv);
  ASSERT_EQ(static_cast<int64_t>(rows.size()), r.rows);
  std::set<std::string> ids;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 43u);
    ids.insert(row[0]);
  }
  EXPECT_EQ(static_cast<int64_t>(ids.size()), r.rows);
}

TEST_F(CakeStandinIntegration, ConversionsReplyHasTheExpectedRows) {
  ReportSlice slice{at("2016-01-11T00:00:00Z"), at("2016-01-12T00:00:00Z"), 0, 100000};
  Reply reply = call(conversions_url(base(), 17), conversions_request_body("k1", slice));
  ASSERT_EQ(reply.status, 200);
  std::string csv;
  auto r = convert_report(Report::kConversions, reply.body, CellRules{}, csv);
  ASSERT_TRUE(r.ok()) << r.failure->message;
  EXPECT_EQ(r.rows, expected("conversions", "2016-01-11T00:00:00", "2016-01-12T00:00:00"));
  for (const auto& row : io::parse_csv(csv)) ASSERT_EQ(row.size(), 50u);
}

TEST_F(CakeStandinIntegration, PlannerReadsADenseHourExactlyOnce) {
  const char* dense = R"({"mode":"dense","report":"clicks","start":"01/12/2016 05:20:00",)"
                      R"("end":"01/12/2016 05:20:30","rows":450})";
  ASSERT_EQ(call(base() + "/_control", dense).status, 200);
  WindowPolicy policy;
  policy.row_limit = 100;
  WindowPlanner plan(at("2016-01-12T05:00:00Z"), at("2016-01-12T06:00:00Z"), policy);
  std::vector<std::string> ids;
  std::string csv;
  while (!plan.done()) {
    Window w = plan.current();
    ReportSlice slice{w.start, w.end, w.start_at_row, w.row_limit};
    Reply reply = call(clicks_url(base(), 12), clicks_request_body("k1", slice));
    ASSERT_EQ(reply.status, 200);
    std::string part;
    auto r = convert_report(Report::kClicks, reply.body, CellRules{}, part);
    ASSERT_TRUE(r.ok()) << r.failure->message;
    if (plan.report_rows(r.rows, std::chrono::milliseconds(10), r.row_count) == Verdict::kKeep) {
      csv += part;
      for (const auto& row : io::parse_csv(part)) ids.push_back(row[0]);
    }
  }
  auto want = json::parse(call(base() + "/_control/ids?report=clicks&start=2016-01-12T05:00:00"
                                        "&end=2016-01-12T06:00:00")
                              .body)["ids"];
  ASSERT_EQ(ids.size(), want.size());
  for (size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], std::to_string(want[i].get<int64_t>()));
  EXPECT_GT(plan.stats().splits, 0);
  EXPECT_GT(plan.stats().pages, 0);
  EXPECT_EQ(static_cast<int64_t>(io::parse_csv(csv).size()), static_cast<int64_t>(ids.size()));
}

TEST_F(CakeStandinIntegration, TruncatedReplyIsATransientFailure) {
  ASSERT_EQ(call(base() + "/_control", R"({"mode":"truncate","fraction":0.6})").status, 200);
  ReportSlice slice{at("2016-01-10T03:00:00Z"), at("2016-01-10T04:00:00Z"), 0, 0};
  Reply reply = call(clicks_url(base(), 11), clicks_request_body("k1", slice));
  ASSERT_EQ(reply.status, 200);
  std::string csv;
  auto r = convert_report(Report::kClicks, reply.body, CellRules{}, csv);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.failure->is_transient());
  EXPECT_NE(r.failure->message.find("cake: malformed Clicks response at byte"), std::string::npos);
  EXPECT_EQ(csv, "");
}

// Through ferry's own client over libcurl: the reply is converted piece by piece as it comes
// off the socket; an error page answered with 200 stops the transfer at its first byte.
TEST_F(CakeStandinIntegration, ReplyConvertedAsItComesOffTheSocket) {
  CakeSettings settings;
  settings.admin_url = base();
  settings.api_key = "k1";
  auto http = net::make_curl_http_client();
  RealTimer timer;
  CakeClient client(*http, settings, timer);
  const CellRules rules;
  ReportSlice slice{at("2016-01-10T00:00:00Z"), at("2016-01-10T02:00:00Z"), 0, 0};
  std::string whole;
  ASSERT_TRUE(convert_report(Report::kClicks,
                             call(clicks_url(base(), 11), clicks_request_body("k1", slice)).body,
                             rules, whole)
                  .ok());
  std::string csv;
  StringOutput out(csv);
  ReportConverter converter(Report::kClicks, rules, out);
  auto reply = client.report(Report::kClicks, slice, true, converter);
  ASSERT_TRUE(reply.ok()) << reply.failure->message;
  auto r = converter.finish();
  ASSERT_TRUE(r.ok()) << r.failure->message;
  EXPECT_EQ(r.rows, expected("clicks", "2016-01-10T00:00:00", "2016-01-10T02:00:00"));
  EXPECT_EQ(csv, whole);

  ASSERT_EQ(call(base() + "/_control", R"({"mode":"html"})").status, 200);
  std::string none;
  StringOutput nothing(none);
  ReportConverter refused(Report::kClicks, rules, nothing);
  reply = client.report(Report::kClicks, slice, true, refused);
  ASSERT_TRUE(reply.failure);
  EXPECT_EQ(reply.failure->message, "cake: malformed Clicks response at byte 0: expected a value");
  EXPECT_TRUE(refused.failure());
  EXPECT_EQ(none, "");
}

TEST_F(CakeStandinIntegration, WrongKeyIsRefused) {
  ReportSlice slice{at("2016-01-10T03:00:00Z"), at("2016-01-10T04:00:00Z"), 0, 0};
  Reply reply = call(clicks_url(base(), 11), clicks_request_body("wrong", slice));
  EXPECT_EQ(reply.status, 401);
  std::string csv;
  auto r = convert_report(Report::kClicks, reply.body, CellRules{}, csv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->message, "cake: Clicks failed: Invalid API Key");
}

}  // namespace
}  // namespace ferry::cake
