#include "e2e/matomo_standin.h"

namespace ferry::testing {

MatomoStandin::MatomoStandin(const std::string& log, std::vector<std::string> extra_args) {
  port_ = free_port();
  std::vector<std::string> argv = {system_python(), repo_root() + "/test/standins/matomo_server.py",
                                   "--port",        std::to_string(port_),
                                   "--token",       kToken};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  child_ = std::make_unique<Child>(argv, std::map<std::string, std::string>{}, "", log);
  ready_ = wait_for_port(port_, std::chrono::seconds(20));
}

nlohmann::json MatomoStandin::control(const std::string& method, const std::string& path,
                                      const nlohmann::json& body) const {
  std::vector<std::string> argv = {"curl", "-s", "-S", "--max-time", "30", "-X", method};
  if (!body.is_null()) {
    argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary"});
    argv.push_back(body.dump());
  }
  argv.push_back("http://127.0.0.1:" + std::to_string(port_) + path);
  auto r = run_command(argv);
  if (r.exit_code != 0 || r.out.empty()) return nullptr;
  return nlohmann::json::parse(r.out, nullptr, false);
}

}  // namespace ferry::testing
