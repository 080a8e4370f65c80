// The driver of the in-process crash walks, and what they compare.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "support/fault_env.h"

namespace ferry::state {
class Store;
}

namespace ferry::testing {

// Walks every durable step of a piece of work: for N = 1, 2, ... calls `attempt` with a fresh
// FaultInjectingEnv over the real file system, armed to crash before durable step N, then with
// one armed to crash right after it, until an attempt ends without the env having crashed (the
// work took fewer than N steps). Each crash is a crash point: 2 per durable step. `attempt`
// builds a fresh world, runs the work on the env until the crash (catching SimulatedCrash),
// finishes it in a second run on the real file system and checks the result. Prints
// "crash walk NAME (unsynced names undone|kept): K crash points" and returns K, the attempts
// that crashed. Fails the test when `limit` attempts all crashed.
int crash_walk(const std::string& name, io::UnsyncedNames names,
               const std::function<void(io::FaultInjectingEnv& env)>& attempt, int limit = 500);

// Every regular file under `dir`, by path relative to it, with its bytes ({} when missing).
std::map<std::string, std::string> read_tree(const std::string& dir);

// The rows of `sql`, one line each, columns separated by `|`.
std::string dump_query(state::Store& store, const std::string& sql);

}  // namespace ferry::testing
