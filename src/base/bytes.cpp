#include "ferry/base/bytes.h"

#include <cstdio>

#include "ferry/base/text.h"

namespace ferry {

std::optional<uint64_t> parse_byte_size(std::string_view text) {
  std::string t = trim(text);
  size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  if (digits == 0 || digits > 19) return std::nullopt;
  uint64_t n = std::stoull(t.substr(0, digits));
  std::string unit = lower(trim(std::string_view(t).substr(digits)));
  struct Unit {
    const char* name;
    uint64_t factor;
  };
  static const Unit kUnits[] = {{"", 1},
                                {"b", 1},
                                {"kb", 1000},
                                {"mb", 1000 * 1000},
                                {"gb", 1000ULL * 1000 * 1000},
                                {"tb", 1000ULL * 1000 * 1000 * 1000},
                                {"kib", 1ULL << 10},
                                {"mib", 1ULL << 20},
                                {"gib", 1ULL << 30},
                                {"tib", 1ULL << 40}};
  for (const auto& u : kUnits) {
    if (unit != u.name) continue;
    if (n > UINT64_MAX / u.factor) return std::nullopt;
    return n * u.factor;
  }
  return std::nullopt;
}

std::string format_byte_size(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf,
                v < 10    ? "%.2f %s"
                : v < 100 ? "%.1f %s"
                          : "%.0f %s",
                v, kUnits[u]);
  return buf;
}

}  // namespace ferry
