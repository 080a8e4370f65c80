// Transfer progress for terminals: `12.0 MiB / 40.0 MiB  30%  25.3 MiB/s  ETA 0:02`, redrawn
// in place on stderr at most a few times a second. Only used when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ferry::s3 {

// `0 B`, `999 B`, `1.5 KiB`, `12.0 MiB`, `1.00 GiB`.
std::string format_bytes(uint64_t bytes);

// One progress line; `total` 0 means unknown (no percentage or ETA), `seconds` is the time
// since the transfer started.
std::string format_progress(uint64_t done, uint64_t total, double seconds);

class ProgressMeter {
 public:
  explicit ProgressMeter(std::FILE* out);
  // Redraws when at least 200 ms passed since the last draw.
  void update(uint64_t done, uint64_t total);
  // Draws the final state and ends the line (once; nothing if nothing was drawn).
  void finish();

 private:
  void draw();
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  uint64_t done_ = 0;
  uint64_t total_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace ferry::s3
