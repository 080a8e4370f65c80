// Time zones for CAKE date cells, read from the system tz database without touching the
// process's TZ (so log timestamps and other threads are never affected).
//
// How: TimeZone::load() reads the zone's TZif file (RFC 8536) from $TZDIR or
// /usr/share/zoneinfo, keeps its transition table (the 64-bit section of a version 2+ file,
// else the 32-bit one) and its footer POSIX TZ rule, which gives offsets after the last
// transition (e.g. `EST5EDT,M3.2.0,M11.1.0`). A TimeZone is immutable once built, cheap to
// copy, and safe to use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ferry::cake {

namespace detail {
struct ZoneData;
}

class TimeZone {
 public:
  // UTC, like utc().
  TimeZone() : name_("UTC") {}

  // UTC (offset 0 always). Needs no tz database.
  static TimeZone utc();

  // `UTC` (also `Etc/UTC`, `GMT`) or an IANA name such as `America/New_York`, read from
  // `dir` (empty: $TZDIR if set, else /usr/share/zoneinfo). Throws std::invalid_argument
  // naming the zone when the name is malformed (absolute, `..`, odd characters), the file is
  // missing, or its content is not a valid TZif file.
  static TimeZone load(const std::string& name, const std::string& dir = "");

  // Builds a zone from TZif bytes. Throws std::invalid_argument as load() does.
  static TimeZone from_tzif(const std::string& name, std::string_view bytes);

  // Builds a zone from a POSIX TZ rule alone, e.g. `CET-1CEST,M3.5.0,M10.5.0/3` or `<+03>-3`.
  // Throws std::invalid_argument when the rule cannot be read.
  static TimeZone from_posix_rule(const std::string& name, std::string_view rule);

  const std::string& name() const { return name_; }

  // The offset from UTC, in seconds east (New York in winter: -18000), at the instant
  // `utc_seconds` since 1970-01-01T00:00:00Z.
  int32_t utc_offset(int64_t utc_seconds) const;

 private:
  TimeZone(std::string name, std::shared_ptr<const detail::ZoneData> data)
      : name_(std::move(name)), data_(std::move(data)) {}

  std::string name_;
  std::shared_ptr<const detail::ZoneData> data_;  // null for UTC
};

}  // namespace ferry::cake
