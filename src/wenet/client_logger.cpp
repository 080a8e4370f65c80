// The logger calls of wenet::Client: analytics and messages.
#include <spdlog/spdlog.h>

#include <set>

#include "ferry/wenet/client.h"

namespace ferry::wenet {
namespace {

using nlohmann::json;

constexpr int kMaxPage = 10000;  // the logger's largest maxSize

std::string text_of(const json& j) {
  return j.is_string() ? j.get<std::string>() : j.dump();
}

std::string metric_name(const json& d) {
  auto field = [&](const char* k) { return d.contains(k) ? text_of(d[k]) : std::string("?"); };
  return field("type") + " " + field("dimension") + "/" + field("metric");
}

}  // namespace

Result<json> Client::analytic(const json& descriptor,
                              const std::function<void(const std::string&)>& on_created,
                              const std::function<void(const std::string&)>& on_deleted) {
  std::string metric = metric_name(descriptor);
  auto create = request("POST", "/logger/analytic");
  create.body.data = descriptor.dump();
  auto made = json_call(http_, std::move(create), "analytic");
  if (!made) return made.failure().with_context("analytic " + metric + ": ");
  if (!made->is_object() || !(*made)["id"].is_string())
    return Failure::permanent("wenet: analytic " + metric + ": the logger gave no id");
  std::string id = (*made)["id"].get<std::string>();
  if (on_created) on_created(id);
  auto result = poll_analytic(id, metric);
  Status deleted = delete_analytic(id);
  if (deleted) {
    if (on_deleted) on_deleted(id);
  } else {
    spdlog::warn("analytic {} ({}) stays stored on the logger: {}", id, metric,
                 deleted.failure().message);
  }
  return result;
}

Result<json> Client::poll_analytic(const std::string& id, const std::string& metric) {
  auto compute = request("POST", "/logger/analytic/compute?id=" + net::url_encode(id));
  auto queued = json_call(http_, std::move(compute), "analytic " + id);
  if (!queued) return queued.failure().with_context("analytic " + metric + ": ");
  auto deadline = timer_.elapsed_now() + options_.analytic_timeout;
  auto delay = options_.poll_first;
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - timer_.elapsed_now());
    timer_.sleep_for(std::max(std::chrono::milliseconds(0), std::min(delay, left)));
    auto got = json_call(http_, request("GET", "/logger/analytic?id=" + net::url_encode(id)),
                         "analytic " + id);
    if (!got) return got.failure().with_context("analytic " + metric + ": ");
    if (got->is_object() && got->contains("result") && !(*got)["result"].is_null())
      return (*got)["result"];
    if (timer_.elapsed_now() >= deadline)
      return Failure::permanent(
          "wenet: analytic " + metric + " (" + id + "): no result after " +
          format_duration(std::chrono::duration_cast<Seconds>(options_.analytic_timeout)) +
          " (wenet.analytic_timeout)");
    delay = std::min(delay * 2, options_.poll_max);
  }
}

Status Client::delete_analytic(const std::string& id) {
  auto r = request("DELETE", "/logger/analytic?id=" + net::url_encode(id));
  r.interruptible = false;  // clean-up: goes out during a stop too
  auto done = json_call(http_, std::move(r), "analytic " + id);
  if (!done && done.failure().message.find(": HTTP 404") != std::string::npos) return Status::ok();
  return done.status();
}

Result<json> Client::message_page(const std::string& app, TimePoint from, TimePoint to,
                                  const std::string& filters, int page) {
  std::string path = "/logger/messages?project=" + net::url_encode(app) +
                     "&fromTime=" + net::url_encode(logger_time(from, options_.zone)) +
                     "&toTime=" + net::url_encode(logger_time(to, options_.zone)) + filters +
                     "&maxSize=" + std::to_string(page);
  auto j = json_call(http_, request("GET", path), "app " + app);
  if (j && !j->is_array())
    return Failure::permanent("wenet: the logger's messages of app " + app + " are not a list");
  return j;
}

// One messages() run: the cursor, the keys at the boundary timestamp and the count.
struct Client::MessagePager {
  Client& client;
  const std::string& app;
  const Window& w;
  int page;
  const std::function<Status(const json&)>& sink;
  int64_t written = 0;
  TimePoint boundary{};
  std::set<std::string> keys;  // messageId + userId of the messages given at `boundary`

  Result<TimePoint> stamp(const json& m, TimePoint not_before) const {
    const json* ts = m.is_object() && m.contains("timestamp") ? &m["timestamp"] : nullptr;
    auto t = ts && ts->is_string() ? parse_logger_time(ts->get<std::string>()) : std::nullopt;
    if (!t)
      return Failure::permanent("wenet: a message of app " + app + " has no readable timestamp");
    if (*t < not_before)
      return Failure::permanent("wenet: the logger's messages of app " + app +
                                " are not in time order at " + ts->get<std::string>());
    return *t;
  }

  Status take(const json& m, TimePoint t) {
    if (t != boundary) {
      keys.clear();
      boundary = t;
    }
    std::string key =
        text_of(m.value("messageId", json())) + '\x1f' + text_of(m.value("userId", json()));
    if (!keys.insert(key).second) return Status::ok();
    ++written;
    return sink(m);
  }

  // Reads every message at instant `t` in parts (by type, then by user) no part of which is full.
  Status split_instant(TimePoint t, const json& full_page) {
    std::set<std::string> types = {"request", "response", "notification"};
    for (const auto& m : full_page)
      if (m.is_object() && m.contains("type")) types.insert(text_of(m["type"]));
    for (const auto& type : types) {
      std::string filter = "&type=" + net::url_encode(type);
      auto part = client.message_page(app, t, t, filter, kMaxPage);
      if (!part) return part.status();
      if (part->size() < static_cast<size_t>(kMaxPage)) {
        if (Status s = take_all(*part, t); !s) return s;
        continue;
      }
      if (Status s = split_users(t, type, *part); !s) return s;
    }
    return Status::ok();
  }

  Status split_users(TimePoint t, const std::string& type, const json& full_part) {
    auto hub = client.app_users(app, nullptr);
    if (!hub) return hub.status();
    std::set<std::string> users(hub->begin(), hub->end());
    for (const auto& m : full_part)
      if (m.is_object() && m.contains("userId")) users.insert(text_of(m["userId"]));
    for (const auto& u : users) {
      auto part = client.message_page(
          app, t, t, "&type=" + net::url_encode(type) + "&userId=" + net::url_encode(u), kMaxPage);
      if (!part) return part.status();
      if (part->size() >= static_cast<size_t>(kMaxPage))
        return Failure::permanent("wenet: more than " + std::to_string(kMaxPage - 1) +
                                  " messages at " + logger_time(t, client.options_.zone) +
                                  " for user " + u + " of type " + type + " in app " + app +
                                  "; they cannot all be read");
      if (Status s = take_all(*part, t); !s) return s;
    }
    return Status::ok();
  }

  Status take_all(const json& part, TimePoint t) {
    for (const auto& m : part) {
      auto ts = stamp(m, t);
      if (!ts) return ts.status();
      if (*ts != t)
        return Failure::permanent("wenet: the logger answered a message outside " +
                                  logger_time(t, client.options_.zone));
      if (Status s = take(m, t); !s) return s;
    }
    return Status::ok();
  }

  Status run() {
    TimePoint cursor = w.from.value_or(TimePoint{});
    boundary = cursor;
    for (;;) {
      auto reply = client.message_page(app, cursor, w.to, "", page);
      if (!reply) return reply.status();
      if (reply->empty()) return Status::ok();
      TimePoint first{}, last = cursor;
      bool past_end = false;
      for (const auto& m : *reply) {
        auto t = stamp(m, last);
        if (!t) return t.status();
        if (*t >= w.to) {  // toTime is inclusive on the logger; the window is not
          past_end = true;
          break;
        }
        if (&m == &reply->front()) first = *t;
        last = *t;
        if (Status s = take(m, *t); !s) return s;
      }
      if (past_end || reply->size() < static_cast<size_t>(page)) return Status::ok();
      if (first == last) {
        if (Status s = split_instant(first, *reply); !s) return s;
        cursor = first + std::chrono::microseconds(1);
        keys.clear();
        boundary = cursor;
      } else {
        cursor = last;
      }
    }
  }
};

Result<int64_t> Client::messages(const std::string& app, const Window& w, int page,
                                 const std::function<Status(const json&)>& sink) {
  if (page < 1 || page > kMaxPage)
    return Failure::permanent("wenet: messages page " + std::to_string(page) + " is not in 1.." +
                              std::to_string(kMaxPage));
  MessagePager pager{*this, app, w, page, sink, 0, TimePoint{}, {}};
  if (Status s = pager.run(); !s) return s.failure();
  return pager.written;
}

}  // namespace ferry::wenet
