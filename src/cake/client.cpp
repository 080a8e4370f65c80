#include "ferry/cake/client.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "ferry/net/redact.h"
#include "ferry/toolkit/api.h"

namespace ferry::cake {
namespace {

using nlohmann::json;

// CAKE's `d.message` or ASP.NET's `Message` from an error body, when it is JSON and has one.
// Whole: toolkit::classify scrubs secrets from it before cutting it to one line.
std::string body_message(const std::string& body, bool* aspnet_call_error) {
  if (body.empty() || body.size() > 64 * 1024) return "";
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return "";
  if (doc.contains("Message") && doc["Message"].is_string()) {
    std::string m = doc["Message"].get<std::string>();
    if (aspnet_call_error) *aspnet_call_error = m.rfind("Invalid web service call", 0) == 0;
    return m;
  }
  if (doc.contains("d") && doc["d"].is_object()) {
    const json& d = doc["d"];
    if (d.contains("message") && d["message"].is_string()) return d["message"].get<std::string>();
  }
  return "";
}

}  // namespace

Status classify_reply(const std::string& call, const net::HttpResponse& r,
                      const std::string& api_key) {
  toolkit::CallOptions o;
  o.context = "cake: ";
  o.secrets = {api_key};
  // ASP.NET answers a malformed call with a 500 "Invalid web service call": retrying is futile.
  o.detail = [](const net::HttpResponse& reply, bool* permanent) {
    return body_message(reply.body, permanent);
  };
  return toolkit::classify(call, r, o);
}

CakeClient::CakeClient(net::HttpClient& http, const CakeSettings& settings, const Timer& timer,
                       CallGate* gate)
    : http_(http), settings_(settings), timer_(timer), gate_(gate) {
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

CakeReply CakeClient::post(const std::string& url, std::string body, bool retry_timeouts,
                           ReportConverter* into) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/json; charset=utf-8"},
                     {"Accept", "application/json"}};
  request.body.data = std::move(body);
  request.connect_timeout = settings_.connect_timeout;
  request.timeout = settings_.timeout;
  request.retry_timeouts = retry_timeouts;
  // libcurl calls on_body from C: an exception (the output cannot be written) must not cross
  // it, so it is kept and thrown again once the exchange is over.
  std::exception_ptr thrown;
  if (into) {
    request.on_body_start = [into, &thrown] {
      try {
        into->restart();
      } catch (...) {
        thrown = std::current_exception();
      }
    };
    request.on_body = [into, &thrown](std::string_view piece) {
      if (thrown) return false;
      try {
        return into->feed(piece);
      } catch (...) {
        thrown = std::current_exception();
        return false;
      }
    };
  }
  CakeReply reply;
  if (gate_) {
    if (auto st = gate_->enter(); !st) {
      reply.failure = st.failure();
      return reply;
    }
  }
  struct Leave {
    CallGate* gate;
    ~Leave() {
      if (gate) gate->leave();
    }
  } leave{gate_};
  auto started = timer_.elapsed_now();
  net::HttpResponse response = http_.send(request);
  if (thrown) std::rethrow_exception(thrown);
  reply.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(timer_.elapsed_now() - started);
  reply.timed_out = response.error == net::TransportError::kTimeout;
  if (into && response.error == net::TransportError::kAborted && into->failure()) {
    reply.failure = into->failure();
    return reply;
  }
  if (auto st = classify_reply("POST " + net::redact_url(url), response, settings_.api_key); !st) {
    reply.failure = st.failure();
    return reply;
  }
  reply.body = std::move(response.body);
  return reply;
}

CakeReply CakeClient::report(Report report, const ReportSlice& slice, bool retry_timeouts,
                             ReportConverter& into) {
  std::string body = report == Report::kClicks ? clicks_request_body(settings_.api_key, slice)
                                               : conversions_request_body(settings_.api_key, slice);
  return post(report_url(report), std::move(body), retry_timeouts, &into);
}

CakeReply CakeClient::currencies() {
  return post(currencies_url(settings_.admin_url), currencies_request_body(settings_.api_key),
              true);
}

}  // namespace ferry::cake
