#include "ferry/net/heartbeat.h"

#include <cstdio>
#include <fstream>
#include <thread>

#include "ferry/base/error.h"

namespace ferry::net {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The service keeps the first 100 kB of a body; ferry's summaries are far shorter.
constexpr size_t kMaxBody = 10 * 1024;

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Heartbeat::Heartbeat(HttpClient& http, HeartbeatOptions options, std::string rid)
    : http_(http), options_(std::move(options)), rid_(std::move(rid)) {
  options_.url = without_trailing_slash(options_.url);
}

std::string Heartbeat::start() {
  return ping("/start", "GET", "");
}

std::string Heartbeat::success(const std::string& summary) {
  return ping("", "POST", summary);
}

std::string Heartbeat::fail(const std::string& summary) {
  return ping("/fail", "POST", summary);
}

std::string Heartbeat::ping(const std::string& suffix, const std::string& method,
                            const std::string& body) {
  if (options_.url.empty()) return "";
  const auto deadline = Clock::now() + options_.timeout;
  HttpRequest request;
  request.method = method;
  request.url = options_.url + suffix + "?rid=" + rid_;
  request.body.data = body.substr(0, kMaxBody);
  if (method == "POST") request.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  // The end ping must go out during a stop too (SIGTERM): it says how the run ended.
  request.interruptible = false;
  HttpResponse r;
  for (int tries = 1;; ++tries) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left < milliseconds(1)) break;
    request.timeout = left;
    request.connect_timeout = left;
    try {
      r = http_.send(request);
    } catch (const std::exception& e) {
      return url_origin(options_.url) + ": " + e.what();
    }
    if (r.ok()) return "";
    if (!r.transient() || tries >= options_.max_tries) break;
    auto pause =
        std::min(options_.pause, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    if (pause > milliseconds(0)) std::this_thread::sleep_for(pause);
  }
  return url_origin(options_.url) + ": " +
         (r.status == 0 && r.error == TransportError::kNone ? "no time left" : r.describe());
}

std::string random_uuid() {
  unsigned char b[16];
  std::ifstream in("/dev/urandom", std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(b), sizeof b))
    throw OperationError(FailureKind::kPermanent, "cannot read /dev/urandom for a run id");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace ferry::net
