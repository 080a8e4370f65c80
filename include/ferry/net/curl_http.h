// The libcurl implementation of HttpClient.
#pragma once

#include <memory>
#include <string>

#include "ferry/net/http.h"

namespace ferry::net {

struct CurlOptions {
  std::string user_agent = "ferry";
  bool verbose = false;  // curl's own trace on stderr (never used under cron)
};

// One client keeps one curl handle so connections are reused. Not thread-safe: make one per
// thread. Never retries: wrap it in RetryingHttpClient. Making a client loads nothing: the first
// send() loads libcurl, and throws OperationError(kPermanent) if libcurl.so.4 cannot be loaded.
std::unique_ptr<HttpClient> make_curl_http_client(const CurlOptions& options = {});

}  // namespace ferry::net
