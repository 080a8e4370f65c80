#include "ferry/net/mailer.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

#include "ferry/base/error.h"
#include "ferry/net/redact.h"
#include "net/curl_lib.h"

namespace ferry::net {
namespace {

struct Source {
  std::string text;
  size_t pos = 0;
};

size_t read_mail(char* buf, size_t size, size_t n, void* ud) {
  auto* s = static_cast<Source*>(ud);
  size_t len = std::min(size * n, s->text.size() - s->pos);
  std::memcpy(buf, s->text.data() + s->pos, len);
  s->pos += len;
  return len;
}

std::string crlf(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

// Subject with non-ASCII text as an RFC 2047 encoded word.
std::string encode_subject(const std::string& s) {
  bool ascii = true;
  for (unsigned char c : s) ascii = ascii && c < 128 && c != '\r' && c != '\n';
  if (ascii) return s;
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "=?UTF-8?Q?";
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('_');
    } else {
      out.push_back('=');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out + "?=";
}

}  // namespace

std::string format_message(const Mail& mail, TimePoint now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  char host[128] = "localhost";
  gethostname(host, sizeof host - 1);
  std::string to;
  for (const auto& r : mail.to) to += (to.empty() ? "" : ", ") + r;
  std::string msg;
  msg += "Date: " + std::string(date) + "\r\n";
  msg += "From: " + mail.from + "\r\n";
  msg += "To: " + to + "\r\n";
  msg += "Subject: " + encode_subject(mail.subject) + "\r\n";
  msg += "Message-ID: <" + std::to_string(t) + "." + std::to_string(getpid()) + "." +
         std::to_string(std::hash<std::string>{}(mail.subject + mail.body)) + "@" + host + ">\r\n";
  msg += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n";
  msg += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  msg += crlf(mail.body);
  if (msg.size() < 2 || msg.substr(msg.size() - 2) != "\r\n") msg += "\r\n";
  return msg;
}

namespace {

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

// Sets what every exchange with the server shares: URL, TLS, timeouts, login.
void set_common(const CurlLib& lib, CURL* c, const SmtpSettings& s, char* errbuf) {
  lib.easy_setopt(c, CURLOPT_URL, s.url.c_str());
  lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  lib.easy_setopt(c, CURLOPT_USE_SSL,
                  static_cast<long>(s.starttls_required ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.connect_timeout.count()));
  lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout.count()));
  if (!s.username.empty()) {
    lib.easy_setopt(c, CURLOPT_USERNAME, s.username.c_str());
    lib.easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
  }
}

// Performs the exchange set on `c` and cleans it up; throws OperationError when it failed.
void perform(const CurlLib& lib, CURL* c, const std::string& url, const char* errbuf) {
  CURLcode rc = lib.easy_perform(c);
  long code = 0;
  lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  lib.easy_cleanup(c);
  if (rc == CURLE_OK) return;
  std::string why = errbuf[0] ? errbuf : lib.easy_strerror(rc);
  bool permanent = rc == CURLE_LOGIN_DENIED || code >= 500 || rc == CURLE_USE_SSL_FAILED;
  throw OperationError(permanent ? FailureKind::kPermanent : FailureKind::kTransient,
                       "smtp " + redact_url(url) + ": " + why +
                           (code ? " (server said " + std::to_string(code) + ")" : ""));
}

}  // namespace

void CurlMailer::send(const Mail& mail, TimePoint now) {
  const CurlLib& lib = curl_lib();
  CURL* c = lib.easy_init();
  if (!c) throw OperationError(FailureKind::kTransient, "smtp: curl_easy_init failed");
  Source src{format_message(mail, now)};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* rcpt = nullptr;
  for (const auto& r : mail.to) rcpt = lib.slist_append(rcpt, ("<" + r + ">").c_str());
  set_common(lib, c, settings_, errbuf);
  lib.easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + mail.from + ">").c_str());
  lib.easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  lib.easy_setopt(c, CURLOPT_READFUNCTION, read_mail);
  lib.easy_setopt(c, CURLOPT_READDATA, &src);
  lib.easy_setopt(c, CURLOPT_UPLOAD, 1L);
  try {
    perform(lib, c, settings_.url, errbuf);
  } catch (...) {
    lib.slist_free_all(rcpt);
    throw;
  }
  lib.slist_free_all(rcpt);
}

void CurlMailer::verify() {
  const CurlLib& lib = curl_lib();
  CURL* c = lib.easy_init();
  if (!c) throw OperationError(FailureKind::kTransient, "smtp: curl_easy_init failed");
  char errbuf[CURL_ERROR_SIZE] = {0};
  set_common(lib, c, settings_, errbuf);
  // Without recipients and with a custom command, curl sends that command after the login
  // instead of a mail transaction; the server's answer ("250 OK") is dropped.
  lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, "NOOP");
  lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  perform(lib, c, settings_.url, errbuf);
}

void FakeMailer::send(const Mail& mail, TimePoint) {
  ++calls;
  if (!fail_with.empty()) throw OperationError(fail_kind, fail_with);
  sent.push_back(mail);
}

void FakeMailer::verify() {
  ++verifies;
  if (!fail_with.empty()) throw OperationError(fail_kind, fail_with);
}

}  // namespace ferry::net
