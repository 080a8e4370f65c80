// The WeNet pipeline's own state: analytics created on the logger and not yet known to be
// deleted (`wenet_analytics`, migration 1 of the `wenet` component). A report records an
// analytic as soon as the logger gives its id and removes the row once the delete succeeded,
// so one whose delete failed, or that a killed run left behind, is deleted by the next run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry::wenet {

struct StoredAnalytic {
  std::string id;        // the logger's analytic id
  std::string instance;  // the platform it lives on
  std::string created;   // ISO-8601 UTC wall-clock time it was recorded
  int64_t run = 0;       // the ferry run that created it (0: a command outside a run)
};

// The pipeline's own tables, as its state component's migrations.
std::vector<state::Migration> migrations();

class WenetStore {
 public:
  explicit WenetStore(state::Store& store) : store_(store) {}

  // Records (or re-records) analytic `id` of `instance`, created at `created` by run `run`.
  void add_analytic(const std::string& id, const std::string& instance, TimePoint created,
                    int64_t run);
  // Forgets analytic `id` (nothing when it is not recorded).
  void remove_analytic(const std::string& id);
  // Every recorded analytic of `instance`, oldest first.
  std::vector<StoredAnalytic> analytics(const std::string& instance);

 private:
  state::Store& store_;
};

}  // namespace ferry::wenet
