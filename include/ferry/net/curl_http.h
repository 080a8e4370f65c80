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
// thread. Never retries: wrap it in RetryingHttpClient.
std::unique_ptr<HttpClient> make_curl_http_client(const CurlOptions& options = {});

// Call once per process before any thread starts (curl_global_init).
void init_curl_global();

}  // namespace ferry::net
