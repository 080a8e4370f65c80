// Heartbeat pings in the healthchecks.io protocol (its self-hosted clones speak the same):
// `GET {url}/start` when a run starts, `POST {url}` with a short summary when it ends well,
// `POST {url}/fail` when it ends with failures. Both carry `?rid=<uuid>`, the same for one run,
// so the service pairs them even when runs overlap. Silence is the service's alarm, so a ping
// is best effort: a failure is returned as one line for the caller to log, never thrown.
#pragma once

#include <chrono>
#include <string>

#include "ferry/net/http.h"

namespace ferry::net {

struct HeartbeatOptions {
  std::string url;  // empty: no pings
  // The longest one ping may take, all its tries included (a ping server that never answers
  // delays the run by this much per ping, no more).
  std::chrono::milliseconds timeout{5000};
  int max_tries = 3;  // transport failures, 429 and 5xx are tried again within `timeout`
  std::chrono::milliseconds pause{300};  // between tries
};

class Heartbeat {
 public:
  // `http` must outlive the object and should be a plain client (no retrying decorator, no run
  // budget: the end ping must go out when the run's time is spent). `rid` pairs the pings.
  Heartbeat(HttpClient& http, HeartbeatOptions options, std::string rid);

  // Each returns "" when the service answered 2xx, else one line saying why not, naming only
  // the URL's origin (the URL is a secret: anyone holding it can ping). Nothing is sent when no
  // URL is set. Never throws (but for std::bad_alloc).
  std::string start();
  std::string success(const std::string& summary);
  std::string fail(const std::string& summary);

  bool enabled() const { return !options_.url.empty(); }

 private:
  std::string ping(const std::string& suffix, const std::string& method, const std::string& body);

  HttpClient& http_;
  HeartbeatOptions options_;
  std::string rid_;
};

// A random (version 4) UUID, from /dev/urandom; throws OperationError when it cannot be read.
std::string random_uuid();

}  // namespace ferry::net
