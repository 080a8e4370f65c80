#include "ferry/net/redact.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

#include "ferry/base/text.h"

namespace ferry::net {
namespace {

// Names declared secret by the config schema (add_secret_names); read-mostly, set at start-up.
std::mutex g_mutex;
std::set<std::string>& declared_names() {
  static std::set<std::string> names;
  return names;
}

bool secret_param(const std::string& name) {
  // Parameters that carry credentials in any HTTP API, and AWS's presigned-URL parameters.
  static const char* kNames[] = {
      "password",     "passwd",          "secret",           "token",
      "access_token", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
      "signature",    "awsaccesskeyid"};
  std::string n = lower(name);
  if (std::any_of(std::begin(kNames), std::end(kNames), [&](const char* k) { return n == k; }))
    return true;
  std::lock_guard<std::mutex> lock(g_mutex);
  return declared_names().count(n) > 0;
}

}  // namespace

void add_secret_names(const std::vector<std::string>& names) {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (const auto& n : names) declared_names().insert(lower(n));
}

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
  std::lock_guard<std::mutex> lock(g_mutex);
  return declared_names().count(n) > 0 ? "********" : value;
}

}  // namespace ferry::net
