#include "ferry/matomo/client.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "ferry/toolkit/api.h"

namespace ferry::matomo {
namespace {

using nlohmann::json;

constexpr const char* kContext = "matomo: ";
constexpr const char* kNotTracking =
    "not a Matomo tracking reply (wrong URL or a queued-tracking plugin?)";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The string member `key` of a JSON object, or "".
std::string string_field(const json& doc, const char* key) {
  if (doc.is_object() && doc.contains(key) && doc[key].is_string())
    return doc[key].get<std::string>();
  return "";
}

// Matomo's error message in a reply body: `message` of a JSON object, or "".
std::string message_of(const std::string& body) {
  return string_field(json::parse(body, nullptr, false), "message");
}

std::string with_message(std::string head, const std::string& message) {
  return message.empty() ? head : head + ": " + message;
}

// The detail of a failed bulk reply; 401/403 and 4xx that name the token are permanent.
std::string bulk_detail(const net::HttpResponse& r, bool* permanent) {
  std::string message = message_of(r.body);
  bool names_token = lower(message).find("token_auth") != std::string::npos;
  if (r.status == 401 || r.status == 403 || (r.status < 500 && names_token)) {
    *permanent = true;
    return with_message("Matomo refused the token_auth (it needs write access to the site)",
                        message);
  }
  if (r.status == 400)
    return with_message("bad request: is the BulkTracking plugin disabled?", message);
  if (r.status >= 500)
    return with_message("Matomo could not store the batch (nothing of it is stored)", message);
  return message;
}

std::string api_detail(const net::HttpResponse& r, bool*) {
  std::string message = message_of(r.body);
  if (r.status == 401 || r.status == 403)
    return with_message("Matomo refused the token_auth", message);
  return message;
}

toolkit::CallOptions call_options(const ClientOptions& o,
                                  std::function<std::string(const net::HttpResponse&, bool*)> d) {
  toolkit::CallOptions c;
  c.context = kContext;
  c.connect_timeout = o.connect_timeout;
  c.timeout = o.timeout;
  c.secrets = {o.token_auth};
  c.detail = std::move(d);
  return c;
}

// toolkit::call, with an OperationError of the HTTP stack (the run's time budget is spent, a
// local problem) turned into its Failure.
Result<net::HttpResponse> guarded_call(net::HttpClient& http, net::HttpRequest request,
                                       const toolkit::CallOptions& options) {
  try {
    return toolkit::call(http, std::move(request), options);
  } catch (const OperationError& e) {
    return Failure{e.kind(), toolkit::scrub(kContext + std::string(e.what()), options.secrets)};
  }
}

bool looks_unknown_site(const std::string& message) {
  std::string m = lower(message);
  for (const char* needle : {"unexpected website", "couldn't be found", "could not be found",
                             "not found", "does not exist", "doesn't exist"})
    if (m.find(needle) != std::string::npos) return true;
  return false;
}

// The reply of getSiteFromId: the site object (or a one-element array of it).
Result<std::string> read_site(const std::string& body, int64_t idsite,
                              const toolkit::CallOptions& o) {
  std::string site = "site " + std::to_string(idsite);
  json doc = json::parse(body, nullptr, false);
  if (doc.is_array() && doc.size() == 1) doc = doc[0];
  if (!doc.is_object())
    return Failure::transient(
        toolkit::scrub(kContext + std::string("SitesManager.getSiteFromId for ") + site +
                           ": not a Matomo API reply (wrong URL?): " + toolkit::one_line(body, 80),
                       o.secrets));
  if (string_field(doc, "result") == "error") {
    std::string message =
        toolkit::one_line(toolkit::scrub(string_field(doc, "message"), o.secrets));
    std::string what = looks_unknown_site(message) ? "Matomo does not know " + site
                                                   : "Matomo refused the token_auth for " + site +
                                                         " (it needs write access to the site)";
    return Failure::permanent(kContext + what + ": " + message);
  }
  if (!doc.contains("main_url") || !doc["main_url"].is_string() ||
      doc["main_url"].get<std::string>().empty())
    return Failure::permanent(std::string(kContext) + "Matomo's reply for " + site +
                              " has no main_url");
  return doc["main_url"].get<std::string>();
}

// The bulk reply: {"status":"success","tracked":N,"invalid":M[,"invalid_indices":[..]]}.
Result<BulkReply> read_bulk(const net::HttpResponse& r, size_t sent, const std::string& call) {
  json doc = json::parse(r.body, nullptr, false);
  auto bad = [&] {
    std::string type = r.header("content-type").value_or("no content type");
    return Failure::transient(kContext + call + ": HTTP 200 " + kNotTracking + " (" + type + ", " +
                              std::to_string(r.body.size()) + " bytes)");
  };
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string()) return bad();
  if (doc["status"] != "success")
    return Failure::transient(kContext + call + ": HTTP 200 with status '" +
                              doc["status"].get<std::string>() + "'");
  BulkReply reply;
  reply.sent = static_cast<int64_t>(sent);
  auto number = [&](const char* key) {
    return doc.contains(key) && doc[key].is_number_integer() ? doc[key].get<int64_t>() : 0;
  };
  reply.tracked = number("tracked");
  reply.invalid = number("invalid");
  if (doc.contains("invalid_indices") && doc["invalid_indices"].is_array())
    for (const auto& i : doc["invalid_indices"])
      if (i.is_number_integer()) reply.invalid_indices.push_back(i.get<int64_t>());
  reply.shortfall = std::max<int64_t>(0, reply.sent - reply.tracked - reply.invalid);
  return reply;
}

}  // namespace

std::string bulk_body(const std::string& token_auth, const std::vector<std::string_view>& hits) {
  std::string token = json(token_auth).dump();
  size_t size = token.size() + 32;
  for (auto h : hits) size += h.size() + 1;
  std::string body;
  body.reserve(size);
  body += "{\"token_auth\":";
  body += token;
  body += ",\"requests\":[";
  for (size_t i = 0; i < hits.size(); ++i) {
    if (i) body += ',';
    body += hits[i];
  }
  body += "]}";
  return body;
}

Client::Client(net::HttpClient& http, ClientOptions options)
    : http_(http), options_(std::move(options)) {
  if (options_.url.empty() || options_.url.back() != '/') options_.url += '/';
  tracking_url_ = options_.url + "matomo.php?queuedtracking=0";
  api_url_ = options_.url + "index.php";
}

Result<std::string> Client::main_url(int64_t idsite) {
  net::HttpRequest req;
  req.method = "POST";
  req.url = api_url_;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"User-Agent", kUserAgent}};
  req.body.data = "module=API&method=SitesManager.getSiteFromId&idSite=" + std::to_string(idsite) +
                  "&format=json&token_auth=" + net::url_encode(options_.token_auth);
  auto options = call_options(options_, api_detail);
  auto r = guarded_call(http_, std::move(req), options);
  if (!r) return r.failure();
  return read_site(r->body, idsite, options);
}

Result<BulkReply> Client::send_bulk(const std::vector<std::string_view>& hits) {
  net::HttpRequest req;
  req.method = "POST";
  req.url = tracking_url_;
  req.headers = {{"Content-Type", "application/json"}, {"User-Agent", kUserAgent}};
  req.body.data = bulk_body(options_.token_auth, hits);
  req.max_attempts = 1;  // the Sender retries whole batches with its own delay
  std::string call_name = toolkit::describe_call(req);
  auto r = guarded_call(http_, std::move(req), call_options(options_, bulk_detail));
  if (!r) return r.failure();
  return read_bulk(*r, hits.size(), call_name);
}

}  // namespace ferry::matomo
