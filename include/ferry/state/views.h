// Read-only queries for the operator's views (the status page, the metrics file): recent
// outputs with their links, every mark, recent alerts. Free text is scrubbed of secrets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/state/store.h"

namespace ferry::state {

struct OutputView {
  int64_t job_id = 0;
  std::string kind;  // the job's kind
  std::string name;
  int64_t rows = 0, size = 0;
  std::string link, link_expires_at, created_at;  // "" when none
};

struct MarkView {
  std::string source, stream, value, updated_at;
};

struct AlertView {
  int64_t id = 0;
  std::string key, subject, status, created_at, sent_at, last_error;
  int attempts = 0;
};

class ViewStore {
 public:
  explicit ViewStore(Store& store) : store_(store) {}
  // The `limit` outputs recorded last, newest first.
  std::vector<OutputView> recent_outputs(int limit);
  // Every (source, stream) mark, the most recently moved first, at most `limit`.
  std::vector<MarkView> marks(int limit);
  // Pending alerts (oldest first, at most `limit`), then the `limit` newest that are not
  // pending (newest first).
  std::vector<AlertView> pending_alerts(int limit);
  std::vector<AlertView> recent_alerts(int limit);

 private:
  Store& store_;
};

}  // namespace ferry::state
