// What a command needs, built on first use from the global options, so `ferry --help` and
// `ferry config check` open neither the database nor the network. Pipelines' commands get it
// through Pipeline::add_commands.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "ferry/base/time.h"
#include "ferry/core/registry.h"

namespace ferry {
namespace config {
class Config;
}
namespace state {
class Store;
}
namespace net {
class HttpClient;
class ObjectStore;
}  // namespace net

namespace core {

class Context {
 public:
  virtual ~Context() = default;
  // Loaded, validated and checked on first use; throws UsageError.
  virtual const config::Config& config() = 0;
  // The run's logical now: FERRY_NOW when set, else the clock, read once.
  virtual TimePoint now() = 0;
  // The wall clock, for timestamps, link expiry and durations (never pinned).
  virtual TimePoint wall_now() = 0;
  // A retrying libcurl client (back-off from [http]). During a run, every call's timeouts and
  // back-off are cut to the time the run has left, and a call the budget stops throws
  // OperationError(kInterrupted) (net/deadline.h). Safe to call from several threads at once
  // (one libcurl handle per concurrent call, net/pool.h).
  virtual net::HttpClient& http() = 0;
  // The state database under the configured state dir, migrated.
  virtual state::Store& store() = 0;
  // The whole process environment (AWS_*, HOME, FERRY_*).
  virtual const std::map<std::string, std::string>& environment() = 0;
  // True when stderr is a terminal (progress bars only then).
  virtual bool interactive() const = 0;
  // Opens the configured `[s3.NAME]` target. Throws UsageError for an unknown one.
  virtual std::unique_ptr<net::ObjectStore> object_store(const std::string& target) = 0;
  // Starts the log files (console only until then). Throws UsageError.
  virtual void start_file_logging() = 0;
  // Runs the scheduled task `task` now, due or not, with `args`, under the run lock; queued
  // jobs are left for `ferry run`. Returns the exit code (0 at once when another run holds
  // the lock).
  virtual int run_task_now(const std::string& task, const TaskArgs& args) = 0;
};

}  // namespace core
}  // namespace ferry
