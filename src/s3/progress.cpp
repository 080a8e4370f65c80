#include "ferry/s3/progress.h"

#include <cmath>

namespace ferry::s3 {

std::string format_bytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (v >= 1024 && unit < 3) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 && unit >= 2 ? "%.2f %s" : "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string format_progress(uint64_t done, uint64_t total, double seconds) {
  std::string line = format_bytes(done);
  if (total > 0) {
    line += " / " + format_bytes(total);
    line += "  " + std::to_string(done >= total ? 100 : done * 100 / total) + "%";
  }
  if (seconds <= 0 || done == 0) return line;
  double rate = static_cast<double>(done) / seconds;
  line += "  " + format_bytes(static_cast<uint64_t>(rate)) + "/s";
  if (total > done) {
    auto eta = static_cast<uint64_t>(std::ceil(static_cast<double>(total - done) / rate));
    char buf[32];
    if (eta >= 3600)
      std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu",
                    static_cast<unsigned long long>(eta / 3600),
                    static_cast<unsigned long long>(eta / 60 % 60),
                    static_cast<unsigned long long>(eta % 60));
    else
      std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(eta / 60),
                    static_cast<unsigned long long>(eta % 60));
    line += "  ETA " + std::string(buf);
  }
  return line;
}

ProgressMeter::ProgressMeter(std::FILE* out)
    : out_(out), start_(std::chrono::steady_clock::now()) {}

void ProgressMeter::update(uint64_t done, uint64_t total) {
  done_ = done;
  if (total > 0) total_ = total;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw();
}

void ProgressMeter::draw() {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(out_, "\r\033[K%s", format_progress(done_, total_, secs).c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressMeter::finish() {
  if (finished_ || !drawn_) return;
  finished_ = true;
  draw();
  std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace ferry::s3
