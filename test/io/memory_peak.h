// Peak resident memory of this process over a stretch of a test, from Linux's VmHWM: the peak
// is reset (echo 5 > /proc/self/clear_refs) when a MemoryPeak is made, so earlier tests in the
// same process do not count. Where the reset is not allowed, available() is false.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace ferry::testing {

class MemoryPeak {
 public:
  MemoryPeak() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.close();
    available_ = static_cast<bool>(clear) && read_kib("VmHWM:") > 0;
    start_ = read_kib("VmHWM:");
  }
  bool available() const { return available_; }
  // Bytes the peak rose by since construction.
  uint64_t growth() const {
    uint64_t now = read_kib("VmHWM:");
    return now > start_ ? (now - start_) * 1024 : 0;
  }

 private:
  static uint64_t read_kib(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string word;
    while (status >> word)
      if (word == key) {
        uint64_t kib = 0;
        status >> kib;
        return kib;
      }
    return 0;
  }
  bool available_ = false;
  uint64_t start_ = 0;
};

}  // namespace ferry::testing
