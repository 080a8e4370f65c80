#include "ferry/cake/columns.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cake/row_builder.h"
#include "ferry/io/csv.h"

namespace ferry::cake {
namespace detail {
namespace {

constexpr CellKind kText = CellKind::kText;
constexpr CellKind kDate = CellKind::kDate;
constexpr CellKind kMoney = CellKind::kCurrency;

const std::vector<ColumnSpec> kClickColumns = {
    {"Click ID", "click_id", kText},
    {"Visitor ID", "visitor_id", kText},
    {"Tracking ID", "tracking_id", kText},
    {"Request ID", "request_session_id", kText},
    {"UDID", "udid", kText},
    {"Click Date", "click_date", kDate},
    {"Affiliate ID", "source_affiliate.source_affiliate_id", kText},
    {"Affiliate Name", "source_affiliate.source_affiliate_name", kText},
    {"Advertiser ID", "brand_advertiser.brand_advertiser_id", kText},
    {"Advertiser Name", "brand_advertiser.brand_advertiser_name", kText},
    {"Offer ID", "site_offer.site_offer_id", kText},
    {"Offer Name", "site_offer.site_offer_name", kText},
    {"Campaign ID", "campaign.campaign_id", kText},
    {"Creative ID", "creative.creative_id", kText},
    {"Creative Name", "creative.creative_name", kText},
    {"Sub ID 1", "sub_id_1", kText},
    {"Sub ID 2", "sub_id_2", kText},
    {"Sub ID 3", "sub_id_3", kText},
    {"Sub ID 4", "sub_id_4", kText},
    {"Sub ID 5", "sub_id_5", kText},
    {"IP Address", "ip_address", kText},
    {"User Agent", "user_agent", kText},
    {"Referrer", "referrer_url", kText},
    {"Request URL", "request_url", kText},
    {"Redirect URl", "redirect_url", kText},
    {"Country Code", "country.country_code", kText},
    {"Region Code", "region.region_name", kText},
    {"Language", "language.language_name", kText},
    {"ISP", "isp.isp_name", kText},
    {"Device", "device.device_name", kText},
    {"Operating System", "operating_system.operating_system_name", kText},
    {"OS Major", "operating_system.operating_system_version.version_name", kText},
    {"OS Minor", "operating_system.operating_system_version_minor.version_name", kText},
    {"Browser", "browser.browser_name", kText},
    {"Browser Major", "browser.browser_version.version_name", kText},
    {"Browser Minor", "browser.browser_version_minor.version_name", kText},
    {"Disposition", "disposition", kText},
    {"Paid Action", "paid_action", kText},
    {"Currency", "paid.currency_id", kMoney},
    {"Amount Paid", "paid.amount", kText},
    {"Duplicate", "duplicate", kText},
    {"Duplicate Clicks", "duplicate_clicks", kText},
    {"Total Clicks", "total_clicks", kText},
};

const std::vector<ColumnSpec> kConversionColumns = {
    {"Conversion ID", "event_conversion_id", kText},
    {"Last Updated", "last_updated", kDate},
    {"Conversion Date", "event_conversion_date", kDate},
    {"Click Date", "click_date", kDate},
    {"Click to Conversion Time", "", CellKind::kClickToConversion},
    {"Affiliate ID", "source_affiliate.source_affiliate_id", kText},
    {"Affiliate Name", "source_affiliate.source_affiliate_name", kText},
    {"Advertiser ID", "brand_advertiser.brand_advertiser_id", kText},
    {"Advertiser Name", "brand_advertiser.brand_advertiser_name", kText},
    {"Offer ID", "site_offer.site_offer_id", kText},
    {"Offer Name", "site_offer.site_offer_name", kText},
    {"Creative", "creative.creative_id", kText},
    {"Sub ID", "sub_id_1", kText},
    {"Sub ID 2", "sub_id_2", kText},
    {"Sub ID 3", "sub_id_3", kText},
    {"Sub ID 4", "sub_id_4", kText},
    {"Sub ID 5", "sub_id_5", kText},
    {"Type", "source_type", kText},
    {"Price Paid Currency", "paid.currency_id", kMoney},
    {"Paid", "paid.amount", kText},
    {"Price Received Currency", "received.currency_id", kMoney},
    {"Received", "received.amount", kText},
    {"Pixel", "pixel_dropped", kText},
    {"Transaction ID", "transaction_id", kText},
    {"IP Address", "event_conversion_ip_address", kText},
    {"Click IP Address", "click_ip_address", kText},
    {"Country", "country.country_code", kText},
    {"Conversion Referrer", "event_conversion_referrer_url", kText},
    {"Referrer", "click_referrer_url", kText},
    {"Conversion User Agent", "event_conversion_user_agent", kText},
    {"Click User Agent", "click_user_agent", kText},
    {"Disposition", "current_disposition.disposition_type.disposition_type_name", kText},
    {"Region", "region.region_name", kText},
    {"Language", "language.language_name", kText},
    {"Provider Name", "isp.isp_name", kText},
    {"Device", "device.device_name", kText},
    {"Operating System", "operating_system.operating_system_name", kText},
    {"OS(Major Version)", "operating_system.operating_system_version.version_name", kText},
    {"OS(Minor Version)", "operating_system.operating_system_version_minor.version_name", kText},
    {"Browser", "browser.browser_name", kText},
    {"Browser(Major Version)", "browser.browser_version.version_name", kText},
    {"Browser(Minor Versions)", "browser.browser_version_minor.version_name", kText},
    {"Conversion Score", "event_conversion_score", kText},
    {"Paid Unbilled", "paid_unbilled.amount", kText},
    {"Received Unbilled", "received_unbilled.amount", kText},
    {"Click Request Session ID", "click_request_session_id", kText},
    {"Event Name", "event_info.event_name", kText},
    {"Price Format", "price_format.price_format_name", kText},
    {"Tracking ID", "tracking_id", kText},
    {"UDID", "udid", kText},
};

}  // namespace

const std::vector<ColumnSpec>& column_specs(Report report) {
  return report == Report::kClicks ? kClickColumns : kConversionColumns;
}

}  // namespace detail

std::string_view report_method(Report report) {
  return report == Report::kClicks ? "Clicks" : "EventConversions";
}

std::string_view rows_field(Report report) {
  return report == Report::kClicks ? "clicks" : "event_conversions";
}

std::string_view id_field(Report report) {
  return report == Report::kClicks ? "click_id" : "event_conversion_id";
}

const std::vector<std::string>& report_headers(Report report) {
  auto make = [](Report r) {
    std::vector<std::string> headers;
    for (const auto& spec : detail::column_specs(r)) headers.emplace_back(spec.header);
    return headers;
  };
  static const std::vector<std::string> clicks = make(Report::kClicks);
  static const std::vector<std::string> conversions = make(Report::kConversions);
  return report == Report::kClicks ? clicks : conversions;
}

void append_header_row(Report report, std::string& out) {
  io::append_csv_row(out, report_headers(report));
}

std::vector<std::string> row_cells(Report report, const nlohmann::json& row,
                                   const CellRules& rules) {
  if (!row.is_object()) throw std::invalid_argument("cake: a report row must be a JSON object");
  std::string text;
  try {
    text = row.dump();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("cake: report row cannot be read: ") + e.what());
  }
  detail::JsonScanner scanner(text);
  scanner.next();  // the row's '{'
  detail::RowBuilder builder(report, rules);
  if (!builder.read_row(scanner)) {
    throw std::invalid_argument("cake: " +
                                (builder.error().empty() ? scanner.error() : builder.error()));
  }
  return builder.cells();
}

void append_plain_number(std::string& out, std::string_view number) {
  size_t e = number.find_first_of("eE");
  if (e == std::string_view::npos) {
    out.append(number);
    return;
  }
  long exponent = std::strtol(std::string(number.substr(e + 1)).c_str(), nullptr, 10);
  if (exponent > 1000 || exponent < -1000) {
    out.append(number);
    return;
  }
  std::string_view mantissa = number.substr(0, e);
  bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.remove_prefix(1);
  size_t dot = mantissa.find('.');
  std::string digits(mantissa.substr(0, dot));
  if (dot != std::string_view::npos) digits.append(mantissa.substr(dot + 1));
  long point = static_cast<long>(dot == std::string_view::npos ? mantissa.size() : dot) + exponent;
  std::string plain;
  if (point <= 0) {
    plain = "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (static_cast<size_t>(point) >= digits.size()) {
    plain = digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    plain = digits.substr(0, static_cast<size_t>(point)) + "." +
            digits.substr(static_cast<size_t>(point));
  }
  size_t lead = 0;  // drop leading zeros of the integer part, keeping one
  while (lead + 1 < plain.size() && plain[lead] == '0' && plain[lead + 1] != '.') ++lead;
  if (negative) out.push_back('-');
  out.append(plain, lead);
}

}  // namespace ferry::cake
