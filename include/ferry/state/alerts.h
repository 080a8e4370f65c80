// The alert outbox. Every critical event is stored here first; delivery and rate limiting
// (log/alerts.h) read and update it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry::state {

struct AlertEvent {
  int64_t id = 0;
  std::string key, subject, body, created_at;
  int attempts = 0;
};

struct AlertKeyState {
  std::string last_sent_at;
  int64_t suppressed = 0;
};

class AlertStore {
 public:
  explicit AlertStore(Store& store) : store_(store) {}
  int64_t add(const std::string& key, const std::string& subject, const std::string& body,
              TimePoint now);
  // Pending events, oldest first.
  std::vector<AlertEvent> pending();
  std::optional<AlertKeyState> key_state(const std::string& key);
  // The events become `suppressed` and the key's repeat counter grows by their number.
  void suppress(const std::string& key, const std::vector<int64_t>& ids);
  // The events become `sent`; the key's last_sent_at is `now` and its counter restarts.
  void mark_sent(const std::string& key, const std::vector<int64_t>& ids, TimePoint now);
  void mark_failed(const std::vector<int64_t>& ids, const std::string& error);
  int64_t count_pending();

 private:
  Store& store_;
};

}  // namespace ferry::state
