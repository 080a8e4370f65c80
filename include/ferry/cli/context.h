// What a command needs, built on first use from the global options, so `ferry --help` and
// `ferry config check` do not open the database or the network.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "ferry/base/time.h"

namespace CLI {
class App;
}

namespace ferry {
namespace config {
class Config;
}
namespace state {
class Store;
}
namespace net {
class HttpClient;
}

namespace cli {

class Context {
 public:
  virtual ~Context() = default;
  // Loaded and validated on first use; throws UsageError.
  virtual const config::Config& config() = 0;
  // The run's wall-clock time: FERRY_NOW when set, else the clock, read once.
  virtual TimePoint now() = 0;
  // A retrying libcurl client (timeouts and back-off from the defaults).
  virtual net::HttpClient& http() = 0;
  // The state database under the configured state dir, migrated.
  virtual state::Store& store() = 0;
  // The whole process environment (AWS_*, HOME, FERRY_*).
  virtual const std::map<std::string, std::string>& environment() = 0;
  // True when stderr is a terminal (progress bars only then).
  virtual bool interactive() const = 0;
};

// A command group adds its subcommands to `app`. Callbacks store their exit code in
// `exit_code`; they may throw UsageError (exit 2) or OperationError (exit 1).
using CommandAdder = void (*)(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace cli
}  // namespace ferry
