#include "cake/fake_cake.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ferry::cake::testing {
namespace {

using nlohmann::json;

int64_t ms_of(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json row_json(bool clicks, const FakeRow& r) {
  std::string date = "/Date(" + std::to_string(r.ms) + (r.id % 2 ? "-0800" : "") + ")/";
  if (clicks)
    return {{"click_id", r.id},
            {"click_date", date},
            {"user_agent", "Agent, \"quoted\"\r\nsecond line"},
            {"paid", {{"currency_id", 1 + r.id % 3}, {"amount", 0.5}}}};
  return {{"event_conversion_id", std::to_string(r.id)},
          {"event_conversion_date", date},
          {"click_date",
           r.id % 4 ? json(nullptr) : json("/Date(" + std::to_string(r.ms - 61500) + ")/")},
          {"paid", {{"currency_id", 2}, {"amount", 1.25}}},
          {"received", nullptr}};
}

void sort_rows(std::vector<FakeRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const FakeRow& a, const FakeRow& b) {
    return a.ms != b.ms ? a.ms < b.ms : a.id < b.id;
  });
}

}  // namespace

int64_t parse_request_ms(const std::string& text) {
  int mo, d, y, h, mi, s;
  if (std::sscanf(text.c_str(), "%d/%d/%d %d:%d:%d", &mo, &d, &y, &h, &mi, &s) != 6) return -1;
  return ms_of(start_of_day_utc(Date{y, mo, d})) + ((h * 60 + mi) * 60 + s) * 1000LL;
}

FakeCake::FakeCake(const Date& from, const Date& to, int per_hour, std::string api_key)
    : api_key_(std::move(api_key)), http_([this](const net::HttpRequest& r) { return answer(r); }) {
  int64_t start = ms_of(start_of_day_utc(from));
  int64_t end = ms_of(start_of_day_utc(add_days(to, 1)));
  int64_t id = 1000;
  for (int64_t hour = start; hour < end; hour += 3600 * 1000) {
    for (int i = 0; i < per_hour; ++i) {
      int64_t at = hour + (3600 * 1000LL * i) / per_hour + (i * 7919) % 1000;
      clicks_.push_back({++id, at});
      conversions_.push_back({++id, at + 1000});
    }
  }
}

void FakeCake::add_burst(bool clicks, TimePoint start, int seconds, int n) {
  auto& rows = clicks ? clicks_ : conversions_;
  int64_t s = ms_of(start);
  for (int i = 0; i < n; ++i)
    rows.push_back({900000000 + static_cast<int64_t>(rows.size()), s + (seconds * 1000LL * i) / n});
  sort_rows(rows);
}

int FakeCake::count(const std::string& method) const {
  return static_cast<int>(std::count_if(calls_.begin(), calls_.end(),
                                        [&](const FakeCall& c) { return c.method == method; }));
}

std::vector<FakeRow> FakeCake::rows(bool clicks, TimePoint start, TimePoint end) const {
  std::vector<FakeRow> out;
  for (const auto& r : clicks ? clicks_ : conversions_)
    if (r.ms >= ms_of(start) && r.ms < ms_of(end)) out.push_back(r);
  return out;
}

net::HttpResponse FakeCake::answer(const net::HttpRequest& request) {
  FakeCall call;
  call.method = request.url.substr(request.url.rfind('/') + 1);
  json body = json::parse(request.body.data, nullptr, false);
  if (body.is_object()) {
    call.api_key = body.value("api_key", "");
    call.start_ms = parse_request_ms(body.value("start_date", ""));
    call.end_ms = parse_request_ms(body.value("end_date", ""));
    call.start_at_row = body.value("start_at_row", int64_t{0});
    call.row_limit = body.value("row_limit", int64_t{0});
  }
  calls_.push_back(call);
  if (fault)
    if (auto injected = fault(call)) return *injected;
  if (call.api_key != api_key_)
    return net::FakeHttpClient::respond(
        401, R"({"d":{"success":false,"message":"Invalid API Key","row_count":0}})");
  if (call.method == "Currencies")
    return net::FakeHttpClient::respond(
        200, R"({"d":{"success":true,"currencies":[{"currency_id":1,"currency_abbr":"USD"},)"
             R"({"currency_id":2,"currency_abbr":"EUR"}]}})");
  if (call.method != "Clicks" && call.method != "EventConversions")
    return net::FakeHttpClient::respond(404, "no such method");
  net::HttpResponse r = report(call.method == "Clicks", call);
  if (alter) alter(call, r);
  return r;
}

net::HttpResponse FakeCake::report(bool clicks, const FakeCall& call) const {
  std::vector<FakeRow> match;
  for (const auto& r : clicks ? clicks_ : conversions_)
    if (r.ms >= call.start_ms && r.ms < call.end_ms) match.push_back(r);
  json rows = json::array();
  for (int64_t i = call.start_at_row; i < static_cast<int64_t>(match.size()); ++i) {
    if (call.row_limit > 0 && i >= call.start_at_row + call.row_limit) break;
    rows.push_back(row_json(clicks, match[static_cast<size_t>(i)]));
  }
  json d = {{"success", true},
            {"message", nullptr},
            {"row_count", match.size()},
            {clicks ? "clicks" : "event_conversions", rows}};
  return net::FakeHttpClient::respond(200, json{{"d", d}}.dump());
}

}  // namespace ferry::cake::testing
