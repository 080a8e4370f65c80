#include "ferry/cake/requests.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ferry/cake/responses.h"

namespace ferry::cake {
namespace {

using nlohmann::json;

TimePoint at(const char* iso) {
  return *parse_iso8601(iso);
}

TEST(CakeRequests, Urls) {
  EXPECT_EQ(clicks_url("https://admin.example.com", 11),
            "https://admin.example.com/api/11/reports.asmx/Clicks");
  EXPECT_EQ(conversions_url("http://127.0.0.1:8080/", 17),
            "http://127.0.0.1:8080/api/17/reports.asmx/EventConversions");
  EXPECT_EQ(currencies_url("https://a.example//"), "https://a.example/api/1/get.asmx/Currencies");
}

TEST(CakeRequests, RequestTime) {
  EXPECT_EQ(format_request_time(at("2016-01-10T00:00:00Z")), "01/10/2016 00:00:00");
  EXPECT_EQ(format_request_time(at("2013-12-31T15:16:17Z")), "12/31/2013 15:16:17");
  EXPECT_EQ(format_request_time(at("2016-01-10T23:59:59.900Z")), "01/10/2016 23:59:59");
}

TEST(CakeRequests, ClicksBody) {
  ReportSlice slice{at("2016-01-10T00:00:00Z"), at("2016-01-10T00:10:00Z"), 500, 1000};
  std::string text = clicks_request_body("k\"ey", slice);
  EXPECT_EQ(text.substr(0, 79),
            R"({"api_key":"k\"ey","start_date":"01/10/2016 00:00:00","end_date":"01/10/2016 00)");
  json b = json::parse(text);
  EXPECT_EQ(b.size(), 13u);
  EXPECT_EQ(b["api_key"], "k\"ey");
  EXPECT_EQ(b["end_date"], "01/10/2016 00:10:00");
  for (const char* k : {"affiliate_id", "advertiser_id", "offer_id", "campaign_id", "creative_id",
                        "price_format_id"})
    EXPECT_EQ(b[k], 0) << k;
  EXPECT_EQ(b["include_duplicates"], "False");
  EXPECT_EQ(b["include_tests"], "False");
  EXPECT_EQ(b["start_at_row"], 500);
  EXPECT_EQ(b["row_limit"], 1000);
}

TEST(CakeRequests, ConversionsBody) {
  ReportSlice slice{at("2016-01-10T00:00:00Z"), at("2016-01-10T00:30:00Z"), 0, 100000};
  json b = json::parse(conversions_request_body("key", slice));
  EXPECT_EQ(b["start_date"], "01/10/2016 00:00:00");
  EXPECT_EQ(b["end_date"], "01/10/2016 00:30:00");
  EXPECT_EQ(b["event_type"], "all");
  EXPECT_EQ(b["conversion_type"], "all");
  EXPECT_EQ(b["site_offer_contract_id"], 0);
  EXPECT_EQ(b["disposition_id"], 0);
  EXPECT_EQ(b["brand_advertiser_billing_status"], "all");
  EXPECT_EQ(b["test_filter"], "non_tests");
  EXPECT_EQ(b["payment_percentage_filter"], "both");
  EXPECT_EQ(b["row_limit"], 100000);
  EXPECT_EQ(b["sort_field"], "event_conversion_date");
  EXPECT_EQ(b["sort_descending"], false);
  EXPECT_EQ(b.size(), 28u);
}

TEST(CakeRequests, SmallBodies) {
  EXPECT_EQ(currencies_request_body("abc"), R"({"api_key":"abc"})");
  EXPECT_EQ(currencies_request_body("bad\xff"), "{\"api_key\":\"bad\xEF\xBF\xBD\"}");
}

TEST(CakeResponses, Currencies) {
  auto r = parse_currencies(R"({"d":{"success":true,"currencies":[
      {"currency_id":1,"currency_abbr":"USD","currency_name":"Dollar"},
      {"currency_id":"2","currency_abbr":"EUR"},{"currency_id":3,"currency_abbr":null},
      {"currency_abbr":"XXX"},null]}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.currencies, (CurrencyMap{{"1", "USD"}, {"2", "EUR"}, {"3", ""}}));

  auto bad = parse_currencies("<html>");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.failure->is_transient());
  EXPECT_EQ(bad.failure->message, "cake: Currencies: malformed response at byte 1: not JSON");
  auto shape = parse_currencies(R"({"d":{"currencies":null}})");
  ASSERT_FALSE(shape.ok());
  EXPECT_FALSE(shape.failure->is_transient());
  auto refused = parse_currencies(R"({"d":{"success":false,"message":"Invalid API Key"}})");
  EXPECT_EQ(refused.failure->message, "cake: Currencies: failed: Invalid API Key");
}

}  // namespace
}  // namespace ferry::cake
