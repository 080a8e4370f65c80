#include "support/test_store.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include "support/postgres.h"

namespace ferry::testing {

state::Store::Location test_state_location(const std::string& dir) {
  if (!states_on_postgres()) return {dir, "", ""};
  static std::mutex mu;
  static std::map<std::string, std::string> urls;  // folder -> its database
  std::lock_guard<std::mutex> lock(mu);
  auto& url = urls[dir];
  if (url.empty()) {
    if (!shared_postgres().ready())
      throw std::runtime_error("FERRY_TEST_STATE=postgresql but no PostgreSQL: " +
                               shared_postgres().skip_reason() + shared_postgres().error());
    url = shared_postgres().new_database();
  }
  return {dir, url, ""};
}

}  // namespace ferry::testing
