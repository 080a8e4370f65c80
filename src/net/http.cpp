#include "ferry/net/http.h"

#include <cstdio>

namespace ferry::net {

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return std::nullopt;
}

bool HttpResponse::transient() const {
  if (error != TransportError::kNone)
    return error != TransportError::kLocal && error != TransportError::kInterrupted &&
           error != TransportError::kAborted;
  return status == 429 || status >= 500;
}

std::string HttpResponse::describe() const {
  switch (error) {
    case TransportError::kNone:
      return "HTTP " + std::to_string(status);
    case TransportError::kTimeout:
      return "timeout: " + error_message;
    case TransportError::kConnect:
      return "cannot connect: " + error_message;
    case TransportError::kResolve:
      return "cannot resolve host: " + error_message;
    case TransportError::kSendRecv:
      return "connection broken: " + error_message;
    case TransportError::kLocal:
      return "local error: " + error_message;
    case TransportError::kOther:
      return "transfer failed: " + error_message;
    case TransportError::kInterrupted:
      return "interrupted: " + error_message;
    case TransportError::kAborted:
      return "body refused: " + error_message;
  }
  return error_message;
}

std::string url_origin(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto path = url.find_first_of("/?#", scheme + 3);
  std::string origin = url.substr(0, path);
  auto at = origin.find('@', scheme + 3);
  if (at != std::string::npos) origin.erase(scheme + 3, at - scheme - 2);
  return origin;
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace ferry::net
