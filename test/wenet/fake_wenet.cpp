#include "wenet/fake_wenet.h"

#include <algorithm>

namespace ferry::wenet::testing {
namespace {

using nlohmann::json;

int hex(char c) {
  return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

std::string decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

net::HttpResponse reply(int status, const json& body) {
  return net::FakeHttpClient::respond(status, body.dump());
}

}  // namespace

std::string path_of(const std::string& url) {
  auto start = url.find('/', url.find("//") + 2);
  return url.substr(start,
                    url.find('?') == std::string::npos ? std::string::npos : url.find('?') - start);
}

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> q;
  auto qm = url.find('?');
  if (qm == std::string::npos) return q;
  std::string rest = url.substr(qm + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    auto amp = rest.find('&', pos);
    std::string part = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (!part.empty())
      q[decode(part.substr(0, eq))] = eq == std::string::npos ? "" : decode(part.substr(eq + 1));
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return q;
}

net::HttpResponse FakeWenet::answer(const net::HttpRequest& r) {
  std::lock_guard<std::mutex> lock(mu);
  log.push_back(r.method + " " + r.url);
  std::string got;
  for (const auto& h : r.headers)
    if (h.first == "x-wenet-component-apikey") got = h.second;
  if (got != key) return reply(401, {{"status", "unknown key " + got}, {"code", 401}});
  std::string path = path_of(r.url);
  auto q = query_of(r.url);
  if (path == "/prod/logger/messages") return messages_reply(q, r.url);
  if (path == "/prod/task_manager/tasks") return tasks_reply(q);
  if (path == "/prod/hub/frontend/data/app/app1/user") return reply(200, hub_users);
  if (path.rfind("/prod/profile_manager/profiles/", 0) == 0) {
    std::string user = path.substr(31);
    auto it = profiles.find(user);
    if (it == profiles.end()) return reply(404, {{"code", "not_found"}});
    return reply(user[0] == 'a' ? 202 : 200, it->second);
  }
  if (path == "/prod/logger/analytic" && r.method == "POST") return reply(200, {{"id", "an-1"}});
  if (path == "/prod/logger/analytic/compute") return reply(200, json::object());
  if (path == "/prod/logger/analytic" && r.method == "GET") {
    bool ready = null_polls >= 0 && polls_++ >= null_polls;
    return reply(200, {{"id", q["id"]}, {"result", ready ? json{{"count", 7}} : json()}});
  }
  if (path == "/prod/logger/analytic" && r.method == "DELETE") return reply(200, json::object());
  return reply(404, {{"status", "no such path"}, {"code", 404}});
}

net::HttpResponse FakeWenet::messages_reply(const std::map<std::string, std::string>& q,
                                            const std::string& url) {
  if (url.find('+') != std::string::npos || q.at("fromTime").back() == 'Z')
    return reply(400, {{"status", "bad time"}, {"code", 400}});
  TimePoint from = *parse_logger_time(q.at("fromTime")), to = *parse_logger_time(q.at("toTime"));
  if (from > to) return reply(400, {{"status", "fromTime > toTime"}, {"code", 400}});
  size_t max = std::stoul(q.at("maxSize"));
  if (max > 10000) return reply(400, {{"status", "maxSize"}, {"code", 400}});
  if (stamps_.size() != messages.size()) {
    stamps_.clear();
    for (const auto& m : messages)
      stamps_.push_back(*parse_logger_time(m["timestamp"].get<std::string>()));
  }
  size_t first = std::lower_bound(stamps_.begin(), stamps_.end(), from) - stamps_.begin();
  json out = json::array();
  for (size_t i = first; i < messages.size() && out.size() < max && stamps_[i] <= to; ++i) {
    bool keep = true;
    for (const char* f : {"userId", "type", "channel"})
      if (q.count(f) && messages[i][f] != q.at(f)) keep = false;
    if (keep) out.push_back(messages[i]);
  }
  return reply(200, out);
}

net::HttpResponse FakeWenet::tasks_reply(const std::map<std::string, std::string>& q) {
  size_t offset = std::stoul(q.at("offset")), limit = std::stoul(q.at("limit"));
  json page = json::array();
  for (size_t i = offset; i < tasks.size() && i < offset + limit; ++i) page.push_back(tasks[i]);
  int64_t total = static_cast<int64_t>(tasks.size());
  if (total_shift_calls > 0) {
    --total_shift_calls;
    ++total;
  }
  return reply(200, {{"offset", offset}, {"total", total}, {"tasks", page}});
}

}  // namespace ferry::wenet::testing
