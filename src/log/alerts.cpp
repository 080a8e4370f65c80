#include "ferry/log/alerts.h"

#include <spdlog/spdlog.h>

#include <map>

#include "ferry/base/error.h"
#include "ferry/net/mailer.h"
#include "ferry/state/alerts.h"

namespace ferry::log {
namespace {

std::string compose_body(const std::vector<state::AlertEvent>& events, int64_t suppressed,
                         const std::string& last_sent, std::chrono::seconds interval) {
  std::string body;
  for (const auto& e : events)
    body += "[" + e.created_at + "] " + e.subject + "\n" + e.body + "\n\n";
  int64_t repeats = suppressed + static_cast<int64_t>(events.size()) - 1;
  if (!last_sent.empty() && repeats > 0) {
    body += "This problem happened " + std::to_string(repeats) + " more time" +
            (repeats == 1 ? "" : "s") + " since the last mail at " + last_sent +
            " (at most one mail per " + format_duration(interval) + ").\n";
  } else if (repeats > 0) {
    body += "This problem happened " + std::to_string(repeats + 1) + " times.\n";
  }
  body += "\nKey: " + events.front().key + "\n-- \nferry\n";
  return body;
}

}  // namespace

void OutboxAlertSink::raise(const std::string& key, const std::string& subject,
                            const std::string& body) {
  try {
    store_.add(key, subject, body, wall_.now());
  } catch (const std::exception& e) {
    spdlog::critical("{}: {} (not stored in the alert outbox: {})", subject, body, e.what());
    throw;
  }
  spdlog::critical("{}: {}", subject, body);
  ++raised_;
}

FlushResult AlertDispatcher::flush(TimePoint now) {
  FlushResult result;
  std::map<std::string, std::vector<state::AlertEvent>> by_key;
  for (auto& e : store_.pending()) by_key[e.key].push_back(std::move(e));
  if (by_key.empty()) return result;
  std::string server_error;  // set by a transient failure: the rest waits for the next run
  if (settings_.to.empty()) {
    spdlog::warn("alerts: {} alert(s) pending but alerts.to is empty; not mailed", by_key.size());
    return result;
  }
  for (const auto& [key, events] : by_key) {
    std::vector<int64_t> ids;
    for (const auto& e : events) ids.push_back(e.id);
    auto state = store_.key_state(key);
    if (state) {
      auto last = parse_iso8601(state->last_sent_at);
      if (last && now - *last < settings_.min_interval) {
        store_.suppress(key, ids);
        result.events_suppressed += static_cast<int>(ids.size());
        continue;
      }
    }
    if (!server_error.empty()) {
      ++result.mails_deferred;
      continue;
    }
    net::Mail mail;
    mail.from = settings_.from;
    mail.to = settings_.to;
    mail.subject = scrubber_(settings_.subject_prefix + " " + events.front().subject);
    mail.body = scrubber_(compose_body(events, state ? state->suppressed : 0,
                                       state ? state->last_sent_at : "", settings_.min_interval));
    try {
      mailer_.send(mail, now);
      store_.mark_sent(key, ids, now);
      ++result.mails_sent;
      spdlog::info("alerts: mailed '{}' to {} recipient(s)", mail.subject, mail.to.size());
    } catch (const OperationError& e) {
      store_.mark_failed(ids, e.what());
      ++result.mails_failed;
      result.last_error = e.what();
      spdlog::error("alerts: could not mail '{}' (kept for the next run): {}", mail.subject,
                    e.what());
      if (e.is_transient()) server_error = e.what();
    }
  }
  if (result.mails_deferred > 0)
    spdlog::warn("alerts: {} more alert mail(s) kept for the next run, not tried after: {}",
                 result.mails_deferred, server_error);
  return result;
}

}  // namespace ferry::log
