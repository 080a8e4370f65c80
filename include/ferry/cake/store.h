// The CAKE pipeline's own state: the Currencies table cached per admin instance
// (`cake_currencies`, migration 1 of the `cake` component), so reports need one Currencies call a
// day, not one per run.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ferry/base/time.h"
#include "ferry/state/store.h"

namespace ferry::cake {

struct CachedCurrencies {
  std::unordered_map<std::string, std::string> abbr_by_id;  // currency id as text → abbreviation
  TimePoint fetched_at;  // when the oldest cached entry was fetched
};

// The pipeline's own tables, as its state component's migrations (see state::Component).
std::vector<state::Migration> migrations();

class CakeStore {
 public:
  explicit CakeStore(state::Store& store) : store_(store) {}

  // The cached table of `admin_url`; nullopt when nothing is cached for it.
  std::optional<CachedCurrencies> currencies(const std::string& admin_url);
  // Replaces the cached table of `admin_url` with `abbr_by_id`, fetched at `fetched_at`, in one
  // transaction (an empty table clears the cache).
  void replace_currencies(const std::string& admin_url,
                          const std::unordered_map<std::string, std::string>& abbr_by_id,
                          TimePoint fetched_at);

 private:
  state::Store& store_;
};

}  // namespace ferry::cake
