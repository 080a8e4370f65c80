// A look at the state file that changes nothing, for `ferry doctor`.
#pragma once

#include <chrono>
#include <string>

namespace ferry::state {

// Opens the state file `path` read-only (never creating or migrating it), waits up to
// `busy_timeout` for another program's lock, and runs `PRAGMA integrity_check`. Returns "" when
// SQLite finds it sound, else one line: what SQLite reports (its first complaints), or why the
// file could not be opened or read. Never throws for a missing, locked or broken file.
std::string check_integrity(const std::string& path, std::chrono::milliseconds busy_timeout);

}  // namespace ferry::state
