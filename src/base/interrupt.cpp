#include "ferry/base/interrupt.h"

#include <signal.h>
#include <time.h>

#include <atomic>
#include <cstdint>

namespace ferry {
namespace {

constexpr int64_t kDefaultGraceMs = 5000;

static_assert(std::atomic<int>::is_always_lock_free, "stop flag must be lock-free");
static_assert(std::atomic<int64_t>::is_always_lock_free, "stop time must be lock-free");

std::atomic<int> g_requests{0};
std::atomic<int> g_signal{0};
std::atomic<int64_t> g_first_ns{0};  // CLOCK_MONOTONIC of the first request, 0 = none
std::atomic<int64_t> g_grace_ms{kDefaultGraceMs};

int64_t monotonic_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

void request_stop(int signal) noexcept {
  int64_t none = 0;
  // The time and signal are stored before the count, so a reader that sees a request sees them.
  if (g_first_ns.compare_exchange_strong(none, monotonic_ns() | 1)) g_signal.store(signal);
  g_requests.fetch_add(1);
}

bool stop_requested() noexcept {
  return g_requests.load() > 0;
}

int stop_signal() noexcept {
  return stop_requested() ? g_signal.load() : 0;
}

int stop_requests() noexcept {
  return g_requests.load();
}

bool must_abandon() noexcept {
  int n = g_requests.load();
  if (n == 0) return false;
  if (n > 1) return true;
  return monotonic_ns() - g_first_ns.load() >= g_grace_ms.load() * 1'000'000;
}

void set_stop_grace(std::chrono::milliseconds grace) noexcept {
  g_grace_ms.store(grace.count() < 0 ? 0 : grace.count());
}

std::chrono::milliseconds stop_grace() noexcept {
  return std::chrono::milliseconds(g_grace_ms.load());
}

std::string stop_reason() {
  if (!stop_requested()) return "";
  switch (int sig = stop_signal()) {
    case 0:
      return "stopped";
    case SIGTERM:
      return "stopped by SIGTERM";
    case SIGINT:
      return "stopped by SIGINT";
    case SIGHUP:
      return "stopped by SIGHUP";
    default:
      return "stopped by signal " + std::to_string(sig);
  }
}

void reset_stop() noexcept {
  g_requests.store(0);
  g_signal.store(0);
  g_first_ns.store(0);
  g_grace_ms.store(kDefaultGraceMs);
}

}  // namespace ferry
