// An SMTP server on loopback for end-to-end tests: Debian's aiosmtpd with its debugging
// handler, which prints every message it receives to a log file, optionally requiring a login.
// Stopped on destruction.
#pragma once

#include <memory>
#include <string>

#include "support/process.h"

namespace ferry::testing {

class SmtpServer {
 public:
  // Listens on 127.0.0.1:`port`, printing messages to `log` (a file path). With a `user`,
  // offers AUTH PLAIN and LOGIN over plain SMTP and requires a login with `password` before
  // MAIL (test/standins/smtp_server.py).
  SmtpServer(int port, const std::string& log, const std::string& user = "",
             const std::string& password = "");
  // "" when python3 and aiosmtpd are installed, else what is missing (see FERRY_REQUIRE).
  static std::string missing();
  bool ready() const { return ready_; }
  // Everything printed so far.
  std::string log() const;
  // Messages received so far.
  int messages() const;
  // Polls until `n` messages arrived (delivery is synchronous, printing may lag a little);
  // true when exactly `n` are there.
  bool wait_messages(int n) const;

 private:
  std::string log_;
  std::unique_ptr<Child> child_;
  bool ready_ = false;
};

}  // namespace ferry::testing
