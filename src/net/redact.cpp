#include "ferry/net/redact.h"

#include <algorithm>
#include <cctype>

#include "ferry/base/text.h"

namespace ferry::net {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool secret_param(const std::string& name) {
  static const char* kNames[] = {"api_key",
                                 "apikey",
                                 "token_auth",
                                 "password",
                                 "passwd",
                                 "secret",
                                 "token",
                                 "access_token",
                                 "x-amz-signature",
                                 "x-amz-credential",
                                 "x-amz-security-token",
                                 "signature",
                                 "awsaccesskeyid"};
  std::string n = lower(name);
  return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* k) { return n == k; });
}

}  // namespace

std::string redact_url(const std::string& url) {
  std::string out = mask_url_password(url);
  auto q = out.find('?');
  if (q == std::string::npos) return out;
  std::string result = out.substr(0, q + 1);
  size_t pos = q + 1;
  while (pos <= out.size()) {
    size_t amp = out.find('&', pos);
    if (amp == std::string::npos) amp = out.size();
    std::string pair = out.substr(pos, amp - pos);
    auto eq = pair.find('=');
    if (eq != std::string::npos && secret_param(pair.substr(0, eq)))
      pair = pair.substr(0, eq + 1) + "********";
    result += pair;
    if (amp < out.size()) result += '&';
    pos = amp + 1;
  }
  return result;
}

std::string redact_header(const std::string& name, const std::string& value) {
  static const char* kSecret[] = {"authorization", "proxy-authorization",  "cookie",
                                  "set-cookie",    "x-amz-security-token", "x-api-key"};
  std::string n = lower(name);
  for (const char* k : kSecret)
    if (n == k) return "********";
  return value;
}

}  // namespace ferry::net
