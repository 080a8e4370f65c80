#include "ferry/base/clock.h"

#include <memory>
#include <thread>

namespace ferry {

void RealTimer::sleep_for(std::chrono::milliseconds d) {
  constexpr std::chrono::milliseconds kSlice{100};
  auto until = std::chrono::steady_clock::now() + d;
  while (!must_abandon()) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kSlice));
  }
}

RandomUnit default_random() {
  auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mu = std::make_shared<std::mutex>();
  return [gen, mu]() {
    std::lock_guard<std::mutex> lock(*mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*gen);
  };
}

}  // namespace ferry
