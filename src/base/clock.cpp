#include "ferry/base/clock.h"

#include <memory>
#include <thread>

namespace ferry {

void RealTimer::sleep_for(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
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
