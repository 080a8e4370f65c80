#include "ferry/cake/columns.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ferry/io/csv.h"

namespace ferry::cake {
namespace {

using nlohmann::json;

CellRules rules() {
  CellRules r;
  r.currencies = {{"1", "USD"}, {"2", "EUR"}};
  return r;
}

json full_click() {
  return json::parse(R"json({
    "click_id": 9001, "visitor_id": 77, "tracking_id": "tr-1", "request_session_id": 5,
    "udid": "u-1", "click_date": "/Date(1484092805123-0800)/",
    "source_affiliate": {"source_affiliate_id": 12, "source_affiliate_name": "Aff, \"One\""},
    "brand_advertiser": {"brand_advertiser_id": 3, "brand_advertiser_name": "Brand"},
    "site_offer": {"site_offer_id": 45, "site_offer_name": "Offer\nTwo lines"},
    "campaign": {"campaign_id": 678}, "creative": {"creative_id": 9, "creative_name": "Banner"},
    "sub_id_1": "s1", "sub_id_2": "s2", "sub_id_3": "s3", "sub_id_4": "s4", "sub_id_5": "s5",
    "ip_address": "203.0.113.45", "user_agent": "Mozilla/5.0 (Ünïcødé; 日本語)",
    "referrer_url": "https://r.example/?a=1,b=2", "request_url": "https://t.example/x",
    "redirect_url": "https://l.example/y",
    "country": {"country_code": "US"}, "region": {"region_name": "New York"},
    "language": {"language_name": "English"}, "isp": {"isp_name": "ISP"},
    "device": {"device_name": "Desktop"},
    "operating_system": {"operating_system_name": "Windows",
      "operating_system_version": {"version_name": "10"},
      "operating_system_version_minor": {"version_name": "0"}},
    "browser": {"browser_name": "Chrome", "browser_version": {"version_name": "58"},
      "browser_version_minor": {"version_name": "3029"}},
    "disposition": "Approved", "paid_action": "CPC", "paid": {"currency_id": 2, "amount": 0.25},
    "duplicate": false, "duplicate_clicks": 0, "total_clicks": 1,
    "unknown_field": {"nested": [1, 2, {"deep": null}]}, "channel": null
  })json");
}

TEST(CakeColumns, ClickHeadersInOrder) {
  const auto& h = report_headers(Report::kClicks);
  ASSERT_EQ(h.size(), 43u);
  EXPECT_EQ(h.front(), "Click ID");
  EXPECT_EQ(h[5], "Click Date");
  EXPECT_EQ(h[24], "Redirect URl");
  EXPECT_EQ(h[26], "Region Code");
  EXPECT_EQ(h[38], "Currency");
  EXPECT_EQ(h.back(), "Total Clicks");
  std::string row;
  append_header_row(Report::kClicks, row);
  EXPECT_EQ(row.substr(0, 45), "Click ID,Visitor ID,Tracking ID,Request ID,UD");
  EXPECT_EQ(row.substr(row.size() - 31), "Duplicate Clicks,Total Clicks\r\n");
}

TEST(CakeColumns, ConversionHeadersInOrder) {
  const auto& h = report_headers(Report::kConversions);
  ASSERT_EQ(h.size(), 50u);
  EXPECT_EQ(h[4], "Click to Conversion Time");
  EXPECT_EQ(h[12], "Sub ID");
  EXPECT_EQ(h[41], "Browser(Minor Versions)");
  EXPECT_EQ(h[45], "Click Request Session ID");
  EXPECT_EQ(h.back(), "UDID");
  EXPECT_EQ(report_method(Report::kConversions), "EventConversions");
  EXPECT_EQ(rows_field(Report::kConversions), "event_conversions");
  EXPECT_EQ(id_field(Report::kClicks), "click_id");
}

TEST(CakeColumns, FullClickRow) {
  auto cells = row_cells(Report::kClicks, full_click(), rules());
  ASSERT_EQ(cells.size(), 43u);
  EXPECT_EQ(cells[0], "9001");
  EXPECT_EQ(cells[5], "11-01-2017T00:00:05.123000");
  EXPECT_EQ(cells[7], "Aff, \"One\"");
  EXPECT_EQ(cells[11], "Offer\nTwo lines");
  EXPECT_EQ(cells[21], "Mozilla/5.0 (Ünïcødé; 日本語)");
  EXPECT_EQ(cells[31], "10");
  EXPECT_EQ(cells[35], "3029");
  EXPECT_EQ(cells[38], "EUR");
  EXPECT_EQ(cells[39], "0.25");
  EXPECT_EQ(cells[40], "False");
  EXPECT_EQ(cells[41], "0");
  EXPECT_EQ(cells[42], "1");
}

TEST(CakeColumns, NullsEverywhereGiveEmptyCells) {
  json row = full_click();
  for (auto& [key, value] : row.items()) {
    if (key != "click_id") value = nullptr;
  }
  auto cells = row_cells(Report::kClicks, row, rules());
  EXPECT_EQ(cells[0], "9001");
  for (size_t i = 1; i < cells.size(); ++i) EXPECT_EQ(cells[i], "") << i;

  json nested = full_click();
  nested["operating_system"]["operating_system_version"] = nullptr;
  nested["browser"]["browser_version_minor"]["version_name"] = nullptr;
  nested["paid"]["currency_id"] = 99;  // unknown currency
  nested["source_affiliate"]["source_affiliate_name"] = nullptr;
  cells = row_cells(Report::kClicks, nested, rules());
  EXPECT_EQ(cells[31], "");
  EXPECT_EQ(cells[35], "");
  EXPECT_EQ(cells[38], "");
  EXPECT_EQ(cells[7], "");
  EXPECT_EQ(cells[30], "Windows");

  auto empty = row_cells(Report::kConversions, json::object(), rules());
  ASSERT_EQ(empty.size(), 50u);
  for (const auto& c : empty) EXPECT_EQ(c, "");
}

TEST(CakeColumns, ConversionRowWithComputedTime) {
  json row = json::parse(R"({
    "event_conversion_id": "ec-1", "last_updated": "/Date(1484092805123)/",
    "event_conversion_date": "/Date(1484179205623-0800)/", "click_date": "/Date(1484092805123)/",
    "paid": {"currency_id": 1, "amount": 1.5E-05}, "received": {"currency_id": "2", "amount": 3},
    "pixel_dropped": true, "current_disposition": {"disposition_type":
      {"disposition_type_name": "Approved"}}, "event_info": {"event_name": null},
    "paid_unbilled": null, "received_unbilled": {"amount": -2.5e+2}
  })");
  auto cells = row_cells(Report::kConversions, row, rules());
  EXPECT_EQ(cells[0], "ec-1");
  EXPECT_EQ(cells[2], "12-01-2017T00:00:05.623000");
  EXPECT_EQ(cells[4], "1 day, 0:00:00.500000");
  EXPECT_EQ(cells[18], "USD");
  EXPECT_EQ(cells[19], "0.000015");
  EXPECT_EQ(cells[20], "EUR");
  EXPECT_EQ(cells[21], "3");
  EXPECT_EQ(cells[22], "True");
  EXPECT_EQ(cells[31], "Approved");
  EXPECT_EQ(cells[43], "");
  EXPECT_EQ(cells[44], "-250.0");  // a parsed json keeps only the double
  EXPECT_EQ(cells[46], "");

  row["click_date"] = "";
  EXPECT_EQ(row_cells(Report::kConversions, row, rules())[4], "");
  row["click_date"] = nullptr;
  EXPECT_EQ(row_cells(Report::kConversions, row, rules())[3], "");
}

TEST(CakeColumns, TimeZoneApplies) {
  CellRules ny = rules();
  ny.zone = TimeZone::load("America/New_York");
  EXPECT_EQ(row_cells(Report::kClicks, full_click(), ny)[5], "10-01-2017T19:00:05.123000");
}

TEST(CakeColumns, BadDateIsAnErrorNamingTheField) {
  json row = full_click();
  row["click_date"] = "2017-01-11";
  try {
    row_cells(Report::kClicks, row, rules());
    FAIL() << "accepted a bad date";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "cake: click_date \"2017-01-11\" is not a /Date(ms)/ value");
  }
  EXPECT_THROW(row_cells(Report::kClicks, json::array(), rules()), std::invalid_argument);
}

TEST(CakeColumns, OddShapesAreIgnored) {
  json row = full_click();
  row["country"] = "US";                         // a value where an object belongs
  row["user_agent"] = json::object({{"a", 1}});  // an object where a value belongs
  row["sub_id_1"] = json::array({1, 2});
  auto cells = row_cells(Report::kClicks, row, rules());
  EXPECT_EQ(cells[25], "");
  EXPECT_EQ(cells[21], "");
  EXPECT_EQ(cells[15], "");
  EXPECT_EQ(cells[26], "New York");
}

TEST(CakeColumns, CellsRoundTripThroughCsv) {
  json row = full_click();
  row["user_agent"] = "Agent \"quoted\", with comma\r\nand CRLF, 中文, emoji 😀";
  row["referrer_url"] = "\n";
  row["request_url"] = "\"";
  auto cells = row_cells(Report::kClicks, row, rules());
  std::string csv;
  append_header_row(Report::kClicks, csv);
  io::append_csv_row(csv, cells);
  auto parsed = io::parse_csv(csv);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0], report_headers(Report::kClicks));
  EXPECT_EQ(parsed[1], cells);
}

TEST(CakeColumns, PlainNumbers) {
  auto plain = [](const char* n) {
    std::string out;
    append_plain_number(out, n);
    return out;
  };
  EXPECT_EQ(plain("12"), "12");
  EXPECT_EQ(plain("-7"), "-7");
  EXPECT_EQ(plain("0.50"), "0.50");
  EXPECT_EQ(plain("1e3"), "1000");
  EXPECT_EQ(plain("1.5E-05"), "0.000015");
  EXPECT_EQ(plain("-2.5e+2"), "-250");
  EXPECT_EQ(plain("1.2345e2"), "123.45");
  EXPECT_EQ(plain("0.5e1"), "5");
  EXPECT_EQ(plain("0e0"), "0");
  EXPECT_EQ(plain("123e-3"), "0.123");
  EXPECT_EQ(plain("1e-1001"), "1e-1001");
}

}  // namespace
}  // namespace ferry::cake
