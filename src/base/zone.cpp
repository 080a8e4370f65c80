#include "ferry/base/zone.h"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <cctype>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "ferry/base/error.h"

namespace ferry {

struct TimeZone::Impl {
  std::string name;
  cctz::time_zone zone;
};

namespace {

using CctzTime = cctz::time_point<cctz::seconds>;

constexpr int64_t kMinSeconds = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max();

CctzTime at(int64_t seconds) {
  return CctzTime(cctz::seconds(seconds));
}

int64_t seconds_of(CctzTime t) {
  return t.time_since_epoch().count();
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool is_utc_alias(const std::string& name) {
  return name == "UTC" || name == "Etc/UTC" || name == "GMT" || name == "Etc/GMT";
}

// An IANA-style relative name: no absolute path, no `.`/`..` part, no empty part, nothing
// a path could be smuggled through.
bool is_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
              c == '+' || c == '.';
    if (!ok) return false;
  }
  size_t start = 0;
  for (;;) {
    size_t slash = name.find('/', start);
    std::string_view part = std::string_view(name).substr(
        start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

// The zones found so far, by name. Entries are never removed, so a TimeZone may hold a plain
// pointer and the per-thread cache below may key on it.
const TimeZone::Impl* intern(const std::string& name) {
  static auto* mutex = new std::mutex;
  static auto* zones = new std::map<std::string, std::unique_ptr<TimeZone::Impl>>;
  std::lock_guard<std::mutex> lock(*mutex);
  auto it = zones->find(name);
  if (it != zones->end()) return it->second.get();
  cctz::time_zone zone = cctz::utc_time_zone();
  if (!is_utc_alias(name) && !cctz::load_time_zone(name, &zone)) return nullptr;
  auto& slot = (*zones)[name];
  slot = std::make_unique<TimeZone::Impl>(TimeZone::Impl{name, zone});
  return slot.get();
}

// The offset in force at one instant and the span [start, end) around it over which it holds.
struct OffsetSpan {
  const TimeZone::Impl* zone = nullptr;
  int64_t start = 0;
  int64_t end = 0;
  int32_t offset = 0;
};

// The instant of a transition cctz enumerated.
int64_t transition_instant(const cctz::time_zone& zone,
                           const cctz::time_zone::civil_transition& t) {
  return seconds_of(zone.lookup(t.to).trans);
}

OffsetSpan span_at(const TimeZone::Impl& impl, int64_t t) {
  const cctz::time_zone& zone = impl.zone;
  OffsetSpan span{&impl, kMinSeconds, kMaxSeconds, zone.lookup(at(t)).offset};
  cctz::time_zone::civil_transition transition;
  bool before = t < kMaxSeconds && zone.prev_transition(at(t + 1), &transition);
  if (before) span.start = transition_instant(zone, transition);
  if (zone.next_transition(at(t), &transition)) {
    span.end = transition_instant(zone, transition);
  } else if (before) {
    span.end = t + 1;  // beyond what cctz enumerates: answer this instant alone
  }
  if (span.start > t || span.end <= t) {
    span.start = t;
    span.end = t + 1;
  }
  return span;
}

thread_local OffsetSpan last_span;

}  // namespace

TimeZone TimeZone::utc() {
  return TimeZone();
}

std::optional<TimeZone> TimeZone::find(const std::string& name) {
  if (name == "UTC") return TimeZone();
  if (!is_zone_name(name)) return std::nullopt;
  const Impl* impl = intern(name);
  if (!impl) return std::nullopt;
  return TimeZone(impl);
}

TimeZone TimeZone::load(const std::string& name) {
  if (auto zone = find(name)) return *zone;
  if (!is_zone_name(name))
    throw UsageError("unknown time zone '" + name +
                     "': not a zone name (an IANA name such as America/New_York)");
  const char* dir = std::getenv("TZDIR");
  throw UsageError("unknown time zone '" + name + "' (not in " +
                   (dir && *dir ? dir : "/usr/share/zoneinfo") + ")");
}

const std::string& TimeZone::name() const {
  static const std::string* const kUtc = new std::string("UTC");
  return impl_ ? impl_->name : *kUtc;
}

int32_t TimeZone::utc_offset(int64_t utc_seconds) const {
  if (!impl_) return 0;
  OffsetSpan& last = last_span;
  if (last.zone != impl_ || utc_seconds < last.start || utc_seconds >= last.end)
    last = span_at(*impl_, utc_seconds);
  return last.offset;
}

LocalTime TimeZone::local_time(TimePoint t) const {
  int64_t utc = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  int64_t local = utc + utc_offset(utc);
  int64_t days = floor_div(local, 86400);
  return {civil_from_days(days), static_cast<int>(local - days * 86400)};
}

TimePoint TimeZone::local_instant(const Date& d, int minutes) const {
  if (!time_representable(d))
    throw std::out_of_range("date " + format_date(d) + " is outside what a time point holds");
  int64_t seconds = 0;
  if (!impl_) {
    seconds = days_from_civil(d) * 86400 + int64_t{minutes} * 60;
  } else {
    auto found = impl_->zone.lookup(cctz::civil_second(d.year, d.month, d.day, 0, minutes, 0));
    bool gap = found.kind == cctz::time_zone::civil_lookup::SKIPPED;
    seconds = seconds_of(gap ? found.trans : found.pre);
  }
  return TimePoint(std::chrono::seconds(seconds));
}

}  // namespace ferry
