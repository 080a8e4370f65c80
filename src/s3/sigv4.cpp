#include "ferry/s3/sigv4.h"
#include "ferry/base/text.h"

#include <time.h>

#include <algorithm>
#include <cctype>

#include "ferry/crypto/hash.h"

namespace ferry::s3 {
namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Trims the ends and collapses runs of spaces into one, as SigV4 asks of header values.
std::string normalise_value(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

std::string canonical_query(const QueryParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params)
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

CanonicalHeaders canonical_headers(const net::Headers& headers) {
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const auto& [name, value] : headers)
    sorted.emplace_back(lower(name), normalise_value(value));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const auto& name = sorted[i].first;
    if (i > 0 && sorted[i - 1].first == name) {
      out.block.pop_back();  // the newline: the value continues the previous line
      out.block += "," + sorted[i].second + "\n";
      continue;
    }
    out.block += name + ":" + sorted[i].second + "\n";
    if (!out.signed_names.empty()) out.signed_names.push_back(';');
    out.signed_names += name;
  }
  return out;
}

std::string canonical_request(const CanonicalInput& input) {
  CanonicalHeaders h = canonical_headers(input.headers);
  return input.method + "\n" + uri_encode(input.path, true) + "\n" + canonical_query(input.query) +
         "\n" + h.block + "\n" + h.signed_names + "\n" + input.payload_hash;
}

std::string amz_date(TimePoint t) {
  time_t secs = std::chrono::system_clock::to_time_t(t);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string credential_scope(const std::string& date8, const std::string& region,
                             const std::string& service) {
  return date8 + "/" + region + "/" + service + "/aws4_request";
}

std::string string_to_sign(const std::string& amz_date_text, const std::string& scope,
                           const std::string& canonical_request_text) {
  return "AWS4-HMAC-SHA256\n" + amz_date_text + "\n" + scope + "\n" +
         crypto::sha256_hex(canonical_request_text);
}

std::string signing_key(const std::string& secret, const std::string& date8,
                        const std::string& region, const std::string& service) {
  std::string k = crypto::hmac_sha256("AWS4" + secret, date8);
  k = crypto::hmac_sha256(k, region);
  k = crypto::hmac_sha256(k, service);
  return crypto::hmac_sha256(k, "aws4_request");
}

std::string signature_hex(const std::string& key, const std::string& string_to_sign_text) {
  return crypto::hex_encode(crypto::hmac_sha256(key, string_to_sign_text));
}

net::Headers sign_headers(const SigningParams& params, const std::string& method,
                          const std::string& host, const std::string& path,
                          const QueryParams& query, const net::Headers& extra,
                          const std::string& payload_hash, TimePoint now) {
  const std::string date = amz_date(now);
  const std::string date8 = date.substr(0, 8);
  net::Headers out = extra;
  out.emplace_back("x-amz-content-sha256", payload_hash);
  out.emplace_back("x-amz-date", date);
  if (!params.credentials.session_token.empty())
    out.emplace_back("x-amz-security-token", params.credentials.session_token);

  CanonicalInput input{method, path, query, out, payload_hash};
  input.headers.emplace_back("host", host);
  const std::string scope = credential_scope(date8, params.region, params.service);
  const std::string to_sign = string_to_sign(date, scope, canonical_request(input));
  const std::string sig = signature_hex(
      signing_key(params.credentials.secret_access_key, date8, params.region, params.service),
      to_sign);
  out.emplace_back("Authorization",
                   "AWS4-HMAC-SHA256 Credential=" + params.credentials.access_key_id + "/" + scope +
                       ",SignedHeaders=" + canonical_headers(input.headers).signed_names +
                       ",Signature=" + sig);
  return out;
}

std::string presign_query(const SigningParams& params, const std::string& method,
                          const std::string& host, const std::string& path,
                          const QueryParams& query, std::chrono::seconds expires, TimePoint now) {
  const std::string date = amz_date(now);
  const std::string date8 = date.substr(0, 8);
  const std::string scope = credential_scope(date8, params.region, params.service);
  CanonicalInput input{method, path, query, {{"host", host}}, kUnsignedPayload};
  input.query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
  input.query.emplace_back("X-Amz-Credential", params.credentials.access_key_id + "/" + scope);
  input.query.emplace_back("X-Amz-Date", date);
  input.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  if (!params.credentials.session_token.empty())
    input.query.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  input.query.emplace_back("X-Amz-SignedHeaders", "host");
  const std::string sig = signature_hex(
      signing_key(params.credentials.secret_access_key, date8, params.region, params.service),
      string_to_sign(date, scope, canonical_request(input)));
  return canonical_query(input.query) + "&X-Amz-Signature=" + sig;
}

}  // namespace ferry::s3
