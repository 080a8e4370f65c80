#include "ferry/cake/requests.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ferry::cake {
namespace {

using Body = nlohmann::ordered_json;

std::string base(std::string_view admin_url) {
  while (!admin_url.empty() && admin_url.back() == '/') admin_url.remove_suffix(1);
  return std::string(admin_url);
}

}  // namespace

std::string format_request_time(TimePoint t) {
  int64_t s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  if (t < TimePoint(std::chrono::seconds(s))) --s;  // floor for instants before 1970
  int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  int64_t sod = s - days * 86400;
  Date d = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d:%02d", d.month, d.day, d.year,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60));
  return buf;
}

std::string clicks_url(std::string_view admin_url, int version) {
  return base(admin_url) + "/api/" + std::to_string(version) + "/reports.asmx/Clicks";
}

std::string conversions_url(std::string_view admin_url, int version) {
  return base(admin_url) + "/api/" + std::to_string(version) + "/reports.asmx/EventConversions";
}

std::string currencies_url(std::string_view admin_url) {
  return base(admin_url) + "/api/1/get.asmx/Currencies";
}

std::string clicks_request_body(std::string_view api_key, const ReportSlice& slice) {
  Body b;
  b["api_key"] = api_key;
  b["start_date"] = format_request_time(slice.start);
  b["end_date"] = format_request_time(slice.end);
  for (const char* filter :
       {"affiliate_id", "advertiser_id", "offer_id", "campaign_id", "creative_id"})
    b[filter] = 0;
  b["price_format_id"] = 0;
  b["include_duplicates"] = "False";
  b["include_tests"] = "False";
  b["start_at_row"] = slice.start_at_row;
  b["row_limit"] = slice.row_limit;
  return b.dump(-1, ' ', false, Body::error_handler_t::replace);
}

std::string conversions_request_body(std::string_view api_key, const ReportSlice& slice) {
  Body b;
  b["api_key"] = api_key;
  b["start_date"] = format_request_time(slice.start);
  b["end_date"] = format_request_time(slice.end);
  b["event_type"] = "all";
  b["conversion_type"] = "all";
  for (const char* filter :
       {"event_id", "channel_id", "source_affiliate_id", "brand_advertiser_id", "site_offer_id",
        "site_offer_contract_id", "source_affiliate_tag_id", "brand_advertiser_tag_id",
        "site_offer_tag_id", "campaign_id", "creative_id", "price_format_id", "disposition_id"})
    b[filter] = 0;
  for (const char* filter : {"disposition_type", "source_affiliate_billing_status",
                             "brand_advertiser_billing_status", "source_type"})
    b[filter] = "all";
  b["test_filter"] = "non_tests";
  b["payment_percentage_filter"] = "both";
  b["start_at_row"] = slice.start_at_row;
  b["row_limit"] = slice.row_limit;
  b["sort_field"] = "event_conversion_date";
  b["sort_descending"] = false;
  return b.dump(-1, ' ', false, Body::error_handler_t::replace);
}

std::string currencies_request_body(std::string_view api_key) {
  Body b;
  b["api_key"] = api_key;
  return b.dump(-1, ' ', false, Body::error_handler_t::replace);
}

}  // namespace ferry::cake
