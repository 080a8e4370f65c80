// The Matomo stand-in (test/standins/matomo_server.py) for integration and end-to-end tests.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"

namespace ferry::testing {

class MatomoStandin {
 public:
  // Starts the stand-in on a free port with token kToken; its stderr goes to `log`.
  // `extra_args` are added to its command line (e.g. {"--site", "2=https://shop.example.com",
  // "--hits", FILE}); with no --site it knows site 1 = https://example.org.
  explicit MatomoStandin(const std::string& log, std::vector<std::string> extra_args = {});
  bool ready() const { return ready_; }
  int port() const { return port_; }
  // The Matomo base URL, ending in '/'.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

  // GET/POST/DELETE on /control/...; the parsed reply (null on failure).
  nlohmann::json control(const std::string& method, const std::string& path,
                         const nlohmann::json& body = nullptr) const;
  // POST /control/mode: "normal", "error500", "gif", "slow" (ms), "shortfall" (every k-th),
  // "fast", "fail_next" (count), "reset".
  void set_mode(const std::string& mode, int64_t value = 0) const {
    control("POST", "/control/mode", {{"mode", mode}, {"value", value}});
  }
  // Every hit stored, as objects, in arrival order.
  nlohmann::json hits() const { return control("GET", "/control/hits"); }
  void clear_hits() const { control("DELETE", "/control/hits"); }
  // {"requests", "hits_received", "tracked", "invalid", "skipped", "in_flight",
  //  "max_in_flight", "mode", "fail_next"}
  nlohmann::json stats() const { return control("GET", "/control/stats"); }
  // [{"path", "status", "hits", "user_agent", "content_type"}] for every bulk request.
  nlohmann::json requests() const { return control("GET", "/control/requests"); }

  static constexpr const char* kToken = "standin-token-0123456789abcdef";

 private:
  int port_ = 0;
  std::unique_ptr<Child> child_;
  bool ready_ = false;
};

}  // namespace ferry::testing
