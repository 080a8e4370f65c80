#include "ferry/wenet/client.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "ferry/net/curl_http.h"
#include "ferry/net/deadline.h"

namespace ferry::wenet {
namespace {

using nlohmann::json;

constexpr int kTaskPage = 100;

// The text of a logger error body (`{"status": "...", "code": N}`) or a short raw body.
std::string error_detail(const net::HttpResponse& r, bool*) {
  std::string hint;
  if (r.status == 401 || r.status == 403) hint = " (the API key, wenet.apikey, was refused)";
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("status") && j["status"].is_string())
    return j["status"].get<std::string>() + hint;
  return toolkit::one_line(r.body, 120) + hint;
}

// Owns a libcurl client, its deadline decorator and the retrying client on top.
class WorkerHttp : public net::HttpClient {
 public:
  WorkerHttp(net::RetryPolicy policy, Timer& timer, const Clock& wall, net::TimeLeft left)
      : curl_(net::make_curl_http_client()),
        deadline_(*curl_, left),
        retry_(deadline_, policy, timer, default_random(), wall, left) {}
  net::HttpResponse send(const net::HttpRequest& request) override { return retry_.send(request); }

 private:
  std::unique_ptr<net::HttpClient> curl_;
  net::DeadlineHttpClient deadline_;
  net::RetryingHttpClient retry_;
};

std::string window_query(const Window& w, const char* from_name, const char* to_name) {
  std::string q;
  if (w.from) q += std::string("&") + from_name + "=" + std::to_string(epoch_seconds(*w.from));
  return q + "&" + to_name + "=" + std::to_string(epoch_seconds(w.to));
}

}  // namespace

std::unique_ptr<net::HttpClient> make_worker_http(net::RetryPolicy policy, Timer& timer,
                                                  const Clock& wall, net::TimeLeft time_left) {
  return std::make_unique<WorkerHttp>(policy, timer, wall, std::move(time_left));
}

json analytic_descriptor(const std::string& app, const std::string& type,
                         const std::string& dimension, const std::string& metric, const Window& w,
                         const TimeZone& zone) {
  TimePoint from = w.from.value_or(TimePoint{});
  return {
      {"timespan",
       {{"type", "fixed"}, {"start", logger_time(from, zone)}, {"end", logger_time(w.to, zone)}}},
      {"project", app},
      {"type", type},
      {"dimension", dimension},
      {"metric", metric}};
}

Client::Client(net::HttpClient& http, ClientOptions options, Timer& timer, HttpFactory worker_http)
    : http_(http),
      options_(std::move(options)),
      timer_(timer),
      worker_http_(std::move(worker_http)) {
  while (!options_.instance.empty() && options_.instance.back() == '/')
    options_.instance.pop_back();
  call_.context = "wenet: ";
  call_.connect_timeout = options_.connect_timeout;
  call_.timeout = options_.timeout;
  call_.secrets = {options_.apikey};
  call_.detail = error_detail;
}

net::HttpRequest Client::request(const std::string& method, const std::string& path) const {
  net::HttpRequest r;
  r.method = method;
  r.url = options_.instance + path;
  r.headers = {{"x-wenet-component-apikey", options_.apikey},
               {"Accept", "application/json"},
               {"Content-Type", "application/json"}};
  return r;
}

Result<json> Client::json_call(net::HttpClient& http, net::HttpRequest request,
                               const std::string& what) {
  std::string call = toolkit::describe_call(request);
  Result<net::HttpResponse> reply = Failure::permanent("");
  try {
    reply = toolkit::call(http, std::move(request), call_);
  } catch (const OperationError& e) {  // out of run time, or a local failure of the client
    return Failure{e.kind(), toolkit::scrub("wenet: " + std::string(e.what()), call_.secrets)};
  }
  if (!reply) {
    const Failure& f = reply.failure();
    if (f.kind == FailureKind::kPermanent && f.message.find(": HTTP 404") != std::string::npos)
      return Failure::permanent(f.message + " (unknown " + what + ")");
    return f;
  }
  auto j = json::parse(reply->body, nullptr, false);
  if (j.is_discarded())
    return Failure::transient(toolkit::scrub(
        "wenet: " + call + ": the reply is not JSON: " + toolkit::one_line(reply->body, 80),
        call_.secrets));
  return j;
}

Result<std::vector<std::string>> Client::app_users(const std::string& app, const Window* window) {
  std::string query;
  if (window && window->from)
    query = "?fromTs=" + std::to_string(epoch_seconds(*window->from)) +
            "&toTs=" + std::to_string(epoch_seconds(window->to));
  std::string key = app + query;
  auto cached = users_cache_.find(key);
  if (cached != users_cache_.end()) return cached->second;
  auto j = json_call(
      http_, request("GET", "/hub/frontend/data/app/" + net::url_encode(app) + "/user" + query),
      "app " + app);
  if (!j) return j.failure();
  if (!j->is_array())
    return Failure::permanent("wenet: the hub's users of app " + app + " are not a list");
  std::vector<std::string> users;
  for (const auto& u : *j)
    if (u.is_string()) users.push_back(u.get<std::string>());
  users_cache_[key] = users;
  return users;
}

Result<json> Client::app_details(const std::string& app) {
  return json_call(http_, request("GET", "/hub/frontend/data/app/" + net::url_encode(app)),
                   "app " + app);
}

Result<json> Client::cohorts() {
  return json_call(http_, request("GET", "/incentive_server/api/UsersCohorts/"), "path");
}

Result<std::map<std::string, json>> Client::profiles(const std::vector<std::string>& users) {
  std::vector<std::string> unique;
  {
    std::set<std::string> seen;
    for (const auto& u : users)
      if (seen.insert(u).second) unique.push_back(u);
  }
  std::vector<json> found(unique.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::optional<Failure> failure;
  auto work = [&](net::HttpClient& http) {
    for (size_t i = next++; i < unique.size() && !stop; i = next++) {
      auto p =
          json_call(http, request("GET", "/profile_manager/profiles/" + net::url_encode(unique[i])),
                    "user " + unique[i]);
      if (p) {
        found[i] = std::move(*p);
      } else if (p.failure().kind == FailureKind::kPermanent &&
                 p.failure().message.find(": HTTP 404") != std::string::npos) {
        spdlog::warn("wenet: no profile for user {}; its cells stay empty", unique[i]);
      } else {
        std::lock_guard<std::mutex> lock(mu);
        if (!failure) failure = p.failure();
        stop = true;
      }
    }
  };
  int workers = std::max(1, std::min<int>(options_.parallel, static_cast<int>(unique.size())));
  if (!worker_http_ || workers == 1) {
    work(http_);
  } else {
    std::vector<std::unique_ptr<net::HttpClient>> clients;
    for (int i = 0; i < workers; ++i) clients.push_back(worker_http_());
    std::vector<std::thread> threads;
    for (auto& c : clients) threads.emplace_back([&work, &c] { work(*c); });
    for (auto& t : threads) t.join();
  }
  if (failure) return *failure;
  std::map<std::string, json> out;
  for (size_t i = 0; i < unique.size(); ++i) out[unique[i]] = std::move(found[i]);
  return out;
}

Result<std::vector<json>> Client::read_listing(const std::string& path, const std::string& key,
                                               const std::string& query, bool* consistent) {
  std::vector<json> items;
  std::optional<int64_t> total;
  *consistent = true;
  for (int64_t offset = 0;;) {
    auto j = json_call(http_,
                       request("GET", path + "?" + query + "&offset=" + std::to_string(offset) +
                                          "&limit=" + std::to_string(kTaskPage)),
                       "app");
    if (!j) return j.failure();
    if (!j->is_object() || !(*j)[key].is_array() || !(*j)["total"].is_number_integer())
      return Failure::permanent("wenet: " + path + " replied without `" + key + "` and `total`");
    int64_t t = (*j)["total"].get<int64_t>();
    if (total && *total != t) *consistent = false;
    total = t;
    size_t n = (*j)[key].size();
    for (auto& item : (*j)[key]) items.push_back(std::move(item));
    if (n < static_cast<size_t>(kTaskPage)) break;
    offset += static_cast<int64_t>(n);
  }
  if (static_cast<int64_t>(items.size()) != *total) *consistent = false;
  return items;
}

Result<std::vector<json>> Client::listing(const std::string& path, const std::string& key,
                                          const std::string& app, const Window& w) {
  std::string query =
      "appId=" + net::url_encode(app) + window_query(w, "creationFrom", "creationTo");
  bool consistent = false;
  auto items = read_listing(path, key, query, &consistent);
  if (items && !consistent) {
    spdlog::warn("wenet: {} of app {}: the total changed while paging; reading it again", key, app);
    items = read_listing(path, key, query, &consistent);
    if (items && !consistent)
      return Failure::transient("wenet: " + key + " of app " + app +
                                ": the total changed while paging, twice");
  }
  if (!items) return items;
  std::vector<json> kept;
  int64_t to = epoch_seconds(w.to);
  for (auto& item : *items) {
    const json* ts =
        item.is_object() && item.contains("_creationTs") ? &item["_creationTs"] : nullptr;
    if (ts && ts->is_number() && ts->get<double>() >= static_cast<double>(to)) continue;
    kept.push_back(std::move(item));
  }
  return kept;
}

Result<std::vector<json>> Client::tasks(const std::string& app, const Window& w) {
  return listing("/task_manager/tasks", "tasks", app, w);
}

Result<std::vector<json>> Client::transactions(const std::string& app, const Window& w) {
  return listing("/task_manager/taskTransactions", "transactions", app, w);
}

}  // namespace ferry::wenet
