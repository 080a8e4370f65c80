#include "ferry/cake/client.h"

#include <nlohmann/json.hpp>

#include "ferry/net/redact.h"

namespace ferry::cake {
namespace {

using nlohmann::json;

// One printable line of at most 200 bytes.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  if (text.size() > 200) text = text.substr(0, 197) + "...";
  return text;
}

// CAKE's `d.message` or ASP.NET's `Message` from an error body, when it is JSON and has one.
std::string body_message(const std::string& body, bool* aspnet_call_error) {
  if (body.empty() || body.size() > 64 * 1024) return "";
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return "";
  if (doc.contains("Message") && doc["Message"].is_string()) {
    std::string m = doc["Message"].get<std::string>();
    if (aspnet_call_error) *aspnet_call_error = m.rfind("Invalid web service call", 0) == 0;
    return one_line(m);
  }
  if (doc.contains("d") && doc["d"].is_object()) {
    const json& d = doc["d"];
    if (d.contains("message") && d["message"].is_string())
      return one_line(d["message"].get<std::string>());
  }
  return "";
}

std::string tries(const net::HttpResponse& r) {
  return r.attempts > 1 ? " after " + std::to_string(r.attempts) + " tries" : "";
}

// Replaces every occurrence of `secret` in `text`.
std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t p = text.find(secret); p != std::string::npos; p = text.find(secret, p))
    text.replace(p, secret.size(), "********");
  return text;
}

}  // namespace

std::optional<Failure> classify_reply(const std::string& call, const net::HttpResponse& r) {
  if (r.ok()) return std::nullopt;
  std::string head = "cake: " + call + ": ";
  if (r.error != net::TransportError::kNone) {
    std::string msg = head + one_line(r.describe()) + tries(r);
    return r.transient() ? Failure::transient(msg) : Failure::permanent(msg);
  }
  bool aspnet_call_error = false;
  std::string detail = body_message(r.body, &aspnet_call_error);
  std::string msg =
      head + "HTTP " + std::to_string(r.status) + (detail.empty() ? "" : " " + detail);
  if (r.status == 429 || (r.status >= 500 && !aspnet_call_error))
    return Failure::transient(msg + tries(r));
  return Failure::permanent(msg);
}

CakeClient::CakeClient(net::HttpClient& http, const CakeSettings& settings, const Timer& timer)
    : http_(http), settings_(settings), timer_(timer) {
  if (auto url = normalize_admin_url(settings_.admin_url)) settings_.admin_url = *url;
}

std::string CakeClient::report_url(Report report) const {
  return report == Report::kClicks
             ? clicks_url(settings_.admin_url, settings_.clicks_api_version)
             : conversions_url(settings_.admin_url, settings_.conversions_api_version);
}

std::string CakeClient::report_call(Report report) const {
  return "POST " + net::redact_url(report_url(report));
}

std::string CakeClient::currencies_call() const {
  return "POST " + net::redact_url(currencies_url(settings_.admin_url));
}

CakeReply CakeClient::post(const std::string& url, std::string body, bool retry_timeouts) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/json; charset=utf-8"},
                     {"Accept", "application/json"}};
  request.body.data = std::move(body);
  request.connect_timeout = settings_.connect_timeout;
  request.timeout = settings_.timeout;
  request.retry_timeouts = retry_timeouts;
  auto started = timer_.elapsed_now();
  net::HttpResponse response = http_.send(request);
  CakeReply reply;
  reply.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(timer_.elapsed_now() - started);
  reply.timed_out = response.error == net::TransportError::kTimeout;
  if (auto failure = classify_reply("POST " + net::redact_url(url), response)) {
    failure->message = scrub(std::move(failure->message), settings_.api_key);
    reply.failure = std::move(failure);
    return reply;
  }
  reply.body = std::move(response.body);
  return reply;
}

CakeReply CakeClient::report(Report report, const ReportSlice& slice, bool retry_timeouts) {
  std::string body = report == Report::kClicks ? clicks_request_body(settings_.api_key, slice)
                                               : conversions_request_body(settings_.api_key, slice);
  return post(report_url(report), std::move(body), retry_timeouts);
}

CakeReply CakeClient::currencies() {
  return post(currencies_url(settings_.admin_url), currencies_request_body(settings_.api_key),
              true);
}

}  // namespace ferry::cake
