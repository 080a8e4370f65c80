#include "support/smtp_server.h"

#include <thread>

#include "support/requirements.h"

namespace ferry::testing {

using namespace std::chrono_literals;

SmtpServer::SmtpServer(int port, const std::string& log, const std::string& user,
                       const std::string& password)
    : log_(log) {
  std::vector<std::string> argv = {system_python(), "-u",
                                   repo_root() + "/test/standins/smtp_server.py", "--listen",
                                   "127.0.0.1:" + std::to_string(port)};
  if (!user.empty()) argv.insert(argv.end(), {"--user", user, "--password", password});
  child_ = std::make_unique<Child>(argv, std::map<std::string, std::string>{}, "", log);
  ready_ = wait_for_port(port, 10s);
}

std::string SmtpServer::missing() {
  return missing_python_modules({"aiosmtpd"});
}

std::string SmtpServer::log() const {
  return file_exists(log_) ? read_file(log_) : "";
}

int SmtpServer::messages() const {
  std::string text = log();
  int n = 0;
  for (size_t p = text.find("MESSAGE FOLLOWS"); p != std::string::npos;
       p = text.find("MESSAGE FOLLOWS", p + 1))
    ++n;
  return n;
}

bool SmtpServer::wait_messages(int n) const {
  for (int i = 0; i < 100 && messages() < n; ++i) std::this_thread::sleep_for(20ms);
  return messages() == n;
}

}  // namespace ferry::testing
