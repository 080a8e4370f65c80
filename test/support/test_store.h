// The state a unit test works on: SQLite in the test's folder, or with FERRY_TEST_STATE=
// postgresql a database of its own in shared_postgres(), so that the same tests run against
// both backends. Tests about the SQLite file itself construct state::Store directly.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ferry/state/store.h"

namespace ferry::testing {

// Where the test state of folder `dir` is: the folder, or the PostgreSQL database made for it
// (the same one every time within a test process, as a reopened file would be).
state::Store::Location test_state_location(const std::string& dir);

class TestStore : public state::Store {
 public:
  explicit TestStore(const std::string& dir, const std::vector<state::Component>& components = {},
                     Scrubber scrubber = {},
                     std::chrono::milliseconds busy_timeout = std::chrono::seconds(10))
      : Store(test_state_location(dir), components, std::move(scrubber), busy_timeout) {}
};

}  // namespace ferry::testing
