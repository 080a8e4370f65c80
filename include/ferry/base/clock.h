// Time sources behind narrow interfaces so tests can pin them.
//
// The run's logical now is read once per run (core::Context::now; FERRY_NOW pins it) and passed
// down as a parameter; the wall clock (a Clock) stamps times. Monotonic time is only for
// budgets and back-off, never for data.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <random>

#include "ferry/base/interrupt.h"
#include "ferry/base/time.h"

namespace ferry {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The real wall clock (never pinned: timestamps, link expiry, Retry-After).
class SystemClock : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

class FixedClock : public Clock {
 public:
  explicit FixedClock(TimePoint t) : t_(t) {}
  TimePoint now() const override { return t_; }
  void set(TimePoint t) { t_ = t; }

 private:
  TimePoint t_;
};

// Elapsed time and waiting. The real one uses steady_clock and sleeps; the fake one's sleep
// advances its own time, so back-off schedules are tested without waiting.
class Timer {
 public:
  virtual ~Timer() = default;
  virtual std::chrono::steady_clock::time_point elapsed_now() const = 0;
  virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

// sleep_for returns early once work in progress must be abandoned after a stop request
// (must_abandon(), base/interrupt.h), so no back-off outlives the stop's grace period.
class RealTimer : public Timer {
 public:
  std::chrono::steady_clock::time_point elapsed_now() const override {
    return std::chrono::steady_clock::now();
  }
  void sleep_for(std::chrono::milliseconds d) override;
};

class FakeTimer : public Timer {
 public:
  std::chrono::steady_clock::time_point elapsed_now() const override { return t_; }
  void sleep_for(std::chrono::milliseconds d) override {
    t_ += d;
    slept_ += d;
  }
  void advance(std::chrono::milliseconds d) { t_ += d; }
  std::chrono::milliseconds total_slept() const { return slept_; }

 private:
  std::chrono::steady_clock::time_point t_{};
  std::chrono::milliseconds slept_{0};
};

// A uniform random number in [0, 1). Injected so jitter is reproducible in tests.
using RandomUnit = std::function<double()>;
RandomUnit default_random();

// The run's time budget: once spent, or once a stop is requested (base/interrupt.h), no new
// unit of work starts. remaining() is the time left, 0 once spent or once the work in progress
// must be abandoned after a stop (must_abandon()).
class Budget {
 public:
  Budget(const Timer& timer, std::chrono::milliseconds limit)
      : timer_(timer), deadline_(timer.elapsed_now() + limit) {}
  bool can_start_unit() const { return !stop_requested() && timer_.elapsed_now() < deadline_; }
  std::chrono::milliseconds remaining() const {
    if (must_abandon()) return std::chrono::milliseconds(0);
    auto left = deadline_ - timer_.elapsed_now();
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(left),
                    std::chrono::milliseconds(0));
  }

 private:
  const Timer& timer_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace ferry
