#include "ferry/mindtrails/client.h"

#include <nlohmann/json.hpp>

#include "ferry/crypto/base64.h"
#include "ferry/net/redact.h"
#include "ferry/toolkit/api.h"

namespace ferry::mindtrails {
namespace {

using nlohmann::json;

// The server's own words from a Spring error body, when it has them.
std::string server_message(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("message") && doc["message"].is_string())
    return doc["message"].get<std::string>();
  return "";
}

}  // namespace

ExportClient::ExportClient(net::HttpClient& http, const ServerSettings& server)
    : http_(http),
      server_(server),
      auth_("Basic " + crypto::base64_encode(server.username + ":" + server.password)) {}

std::string ExportClient::url_for(const std::string& path) const {
  return net::redact_url(server_.export_url + path);
}

net::HttpRequest ExportClient::request(const std::string& method, const std::string& url) const {
  net::HttpRequest r;
  r.method = method;
  r.url = url;
  r.headers = {{"Authorization", auth_}, {"Accept", "application/json"}};
  r.connect_timeout = server_.connect_timeout;
  r.timeout = server_.timeout;
  return r;
}

Failure ExportClient::failure(const std::string& call, const net::HttpResponse& r) const {
  toolkit::CallOptions o;
  o.secrets = {server_.password};
  o.detail = [&call](const net::HttpResponse& reply, bool*) {
    std::string hint;
    if (reply.status == 401) hint = "(bad user name or password)";
    if (reply.status == 403 && call.rfind("DELETE", 0) != 0)
      hint = "(the account is not an admin of the site)";
    std::string said = server_message(reply.body);
    return hint + (hint.empty() || said.empty() ? "" : " ") + said;
  };
  return toolkit::classify(call, r, o).failure();
}

Result<std::vector<TableInfo>> ExportClient::list_tables() {
  const std::string what = "GET " + url_for("");
  net::HttpResponse r = http_.send(request("GET", server_.export_url));
  if (!r.ok()) return failure(what, r);
  json doc = json::parse(r.body, nullptr, false);
  if (!doc.is_array())
    return Failure::permanent(what + ": the reply is not a JSON array of tables");
  std::vector<TableInfo> tables;
  for (const auto& t : doc) {
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string())
      return Failure::permanent(what +
                                ": a table entry has no name: " + toolkit::one_line(t.dump()));
    TableInfo info;
    info.name = t["name"].get<std::string>();
    info.deleteable =
        t.contains("deleteable") && t["deleteable"].is_boolean() && t["deleteable"].get<bool>();
    if (t.contains("size") && t["size"].is_number_integer()) info.size = t["size"].get<int64_t>();
    tables.push_back(std::move(info));
  }
  return tables;
}

Result<std::optional<std::string>> ExportClient::fetch(const std::string& table,
                                                       int64_t greater_than) {
  std::string path = "/" + net::url_encode(table) + "?greaterThan=" + std::to_string(greater_than);
  net::HttpResponse r = http_.send(request("GET", server_.export_url + path));
  if (r.error == net::TransportError::kNone && r.status == 404) return std::optional<std::string>();
  if (!r.ok()) return failure("GET " + url_for(path), r);
  return std::optional<std::string>(std::move(r.body));
}

DeleteResult ExportClient::remove(const std::string& table, int64_t id) {
  std::string path = "/" + net::url_encode(table) + "/" + std::to_string(id);
  net::HttpResponse r = http_.send(request("DELETE", server_.export_url + path));
  DeleteResult out;
  if (r.ok()) {
    out.outcome = DeleteOutcome::kDeleted;
    return out;
  }
  if (r.error == net::TransportError::kNone && (r.status == 404 || r.status == 403)) {
    out.outcome = r.status == 404 ? DeleteOutcome::kGone : DeleteOutcome::kForbidden;
    out.error = "HTTP " + std::to_string(r.status) + ": " + server_message(r.body);
    return out;
  }
  Failure f = failure("DELETE " + url_for(path), r);
  if (f.is_interrupted()) out.outcome = DeleteOutcome::kInterrupted;
  out.error = f.message;
  return out;
}

}  // namespace ferry::mindtrails
