// Sending mail, behind a narrow interface: SMTP through libcurl, and a recording fake.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/base/time.h"

namespace ferry::net {

struct Mail {
  std::string from;
  std::vector<std::string> to;
  std::string subject;
  std::string body;  // plain text, UTF-8
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Delivers to the server. Throws OperationError (transient for connection problems and 4xx
  // replies, permanent for refused logins and 5xx) with the server's answer, never the password.
  virtual void send(const Mail& mail, TimePoint now) = 0;
  // Checks that mail could be sent, sending none: connects, starts TLS as send() would, logs in
  // when a username is set, says NOOP and QUIT. Throws OperationError as send() does.
  virtual void verify() = 0;
};

struct SmtpSettings {
  std::string url = "smtp://127.0.0.1:25";  // smtp:// (STARTTLS when offered) or smtps://
  bool starttls_required = false;           // refuse to send unencrypted over smtp://
  std::string username;
  std::string password;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{30'000};
};

class CurlMailer : public Mailer {
 public:
  explicit CurlMailer(SmtpSettings settings) : settings_(std::move(settings)) {}
  void send(const Mail& mail, TimePoint now) override;
  void verify() override;

 private:
  SmtpSettings settings_;
};

// Records mail; fails (as `fail_kind`) while `fail_with` is non-empty. `calls` counts every
// send, failed or not; `verifies` every verify(), which fails the same way and records nothing.
class FakeMailer : public Mailer {
 public:
  void send(const Mail& mail, TimePoint now) override;
  void verify() override;
  std::vector<Mail> sent;
  std::string fail_with;
  FailureKind fail_kind = FailureKind::kTransient;
  int calls = 0;
  int verifies = 0;
};

// The RFC 5322 message text (headers and body, CRLF line ends).
std::string format_message(const Mail& mail, TimePoint now);

}  // namespace ferry::net
