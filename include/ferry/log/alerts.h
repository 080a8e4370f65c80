// Critical events: stored in the state outbox first, then mailed with a rate limit per key.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ferry/base/clock.h"
#include "ferry/base/scrub.h"
#include "ferry/base/time.h"

namespace ferry {
namespace net {
class Mailer;
}
namespace state {
class AlertStore;
}

namespace log {

// What pipelines call when something critical happened. `key` names the problem and where
// (`cake:job:12:failed`, `mindtrails:prod:key`): one mail per key per min_interval at most.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void raise(const std::string& key, const std::string& subject,
                     const std::string& body) = 0;
};

// Stores each event in the outbox (stamped with `wall`'s time when raised) and logs it at
// critical level; when it cannot be stored, logs it saying so and rethrows the store's error.
// `wall` must outlive it.
class OutboxAlertSink : public AlertSink {
 public:
  OutboxAlertSink(state::AlertStore& store, const Clock& wall) : store_(store), wall_(wall) {}
  void raise(const std::string& key, const std::string& subject, const std::string& body) override;
  int raised() const { return raised_; }

 private:
  state::AlertStore& store_;
  const Clock& wall_;
  int raised_ = 0;
};

// Records raised alerts in memory, for tests.
class RecordingAlertSink : public AlertSink {
 public:
  struct Event {
    std::string key, subject, body;
  };
  void raise(const std::string& key, const std::string& subject, const std::string& body) override {
    events.push_back({key, subject, body});
  }
  std::vector<Event> events;
};

struct AlertSettings {
  std::string from = "ferry@localhost";
  std::vector<std::string> to;
  std::string subject_prefix = "[ferry]";
  std::chrono::seconds min_interval{3600};
  std::vector<std::string> secrets;  // masked in every mail's subject and body (see Scrubber)
};

struct FlushResult {
  int mails_sent = 0;
  int events_suppressed = 0;
  int mails_failed = 0;    // their events stay pending for the next run
  int mails_deferred = 0;  // not tried after the server failed: pending, no failure counted
  std::string last_error;
};

// Delivers the outbox: for each key with pending events, one mail when the key was last mailed
// at least min_interval ago (saying how many repeats were not mailed meanwhile), else the
// events are counted as suppressed. A mail that fails leaves its events pending. After a
// transient failure (the server cannot be reached, times out, or says "try later"), the rest of
// the outbox is not tried in this flush: it stays pending, with no failure counted against it,
// so one hanging server costs one timeout per run. A mail refused for good does not stop the
// others. Every secret in settings.secrets, in any of its encoded forms, is masked in the mail.
class AlertDispatcher {
 public:
  AlertDispatcher(state::AlertStore& store, net::Mailer& mailer, AlertSettings settings)
      : store_(store),
        mailer_(mailer),
        settings_(std::move(settings)),
        scrubber_(settings_.secrets) {}
  FlushResult flush(TimePoint now);

 private:
  state::AlertStore& store_;
  net::Mailer& mailer_;
  AlertSettings settings_;
  Scrubber scrubber_;
};

}  // namespace log
}  // namespace ferry
