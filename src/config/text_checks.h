// What the loader refuses before it reads values: text the TOML parser must not see, and
// FERRY_* variables that are no setting.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ferry::config {

// Throws UsageError naming `file:line` for text toml++ asserts on instead of rejecting: a control
// character other than tab, LF and CR (TOML allows none), or a table header with no key before a
// comment (`[# ...]`). A file that cannot be read passes (the parser reports it).
void refuse_unparsable_text(const std::string& file);

// Throws UsageError naming the first FERRY_* name of `environment` that is neither in `known` (the
// names settings answer to) nor allowed by `other_variables` (LoadOptions::other_variables).
void refuse_unknown_variables(const std::map<std::string, std::string>& environment,
                              const std::set<std::string>& known,
                              const std::vector<std::string>& other_variables);

}  // namespace ferry::config
