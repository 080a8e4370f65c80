#include "ferry/cake/timezone.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cake/posix_tz.h"

namespace ferry::cake {
namespace {

using detail::ZoneData;

[[noreturn]] void fail(const std::string& name, const std::string& why) {
  throw std::invalid_argument("time zone '" + name + "': " + why);
}

bool is_utc_name(const std::string& name) {
  return name == "UTC" || name == "Etc/UTC" || name == "GMT" || name == "Etc/GMT";
}

void check_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') fail(name, "not a zone name");
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
              c == '+' || c == '.';
    if (!ok) fail(name, "not a zone name");
  }
  std::istringstream parts(name);
  std::string part;
  while (std::getline(parts, part, '/'))
    if (part.empty() || part == "." || part == "..") fail(name, "not a zone name");
}

// Big-endian reader over the TZif bytes; every read checks the bounds.
struct Bytes {
  const std::string& name;
  std::string_view data;
  size_t pos = 0;

  void need(size_t n) const {
    if (data.size() - pos < n) fail(name, "TZif data is truncated");
  }
  int64_t be(size_t width) {
    need(width);
    uint64_t v = 0;
    for (size_t k = 0; k < width; ++k) v = (v << 8) | static_cast<unsigned char>(data[pos++]);
    if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  }
  uint8_t byte() {
    need(1);
    return static_cast<uint8_t>(data[pos++]);
  }
};

struct Counts {
  uint32_t isut, isstd, leap, time, type, chars;
};

Counts read_header(Bytes& b, char& version) {
  b.need(44);
  if (b.data.substr(b.pos, 4) != "TZif") fail(b.name, "not a TZif file");
  version = b.data[b.pos + 4];
  b.pos += 20;
  Counts c{};
  uint32_t* fields[] = {&c.isut, &c.isstd, &c.leap, &c.time, &c.type, &c.chars};
  for (uint32_t* f : fields) *f = static_cast<uint32_t>(b.be(4));
  if (c.type == 0 || (c.isut != 0 && c.isut != c.type) || (c.isstd != 0 && c.isstd != c.type))
    fail(b.name, "TZif header counts are inconsistent");
  return c;
}

size_t block_size(const Counts& c, size_t time_size) {
  return c.time * time_size + c.time + c.type * 6 + c.chars + c.leap * (time_size + 4) + c.isstd +
         c.isut;
}

ZoneData read_block(Bytes& b, const Counts& c, size_t time_size) {
  if (c.leap != 0) fail(b.name, "zones with leap seconds are not supported");
  b.need(block_size(c, time_size));
  ZoneData z;
  z.transitions.resize(c.time);
  for (auto& t : z.transitions) t = b.be(time_size);
  std::vector<uint8_t> type_of(c.time);
  for (auto& t : type_of) t = b.byte();
  std::vector<int32_t> type_offset(c.type);
  for (auto& off : type_offset) {
    off = static_cast<int32_t>(b.be(4));
    b.pos += 2;  // isdst, abbreviation index
  }
  b.pos += c.chars + c.isstd + c.isut;
  for (uint32_t k = 0; k < c.time; ++k) {
    if (type_of[k] >= c.type) fail(b.name, "TZif transition names an unknown type");
    if (k > 0 && z.transitions[k] <= z.transitions[k - 1])
      fail(b.name, "TZif transitions are not in order");
    z.offsets.push_back(type_offset[type_of[k]]);
  }
  z.initial_offset = type_offset[0];
  return z;
}

std::string read_zone_file(const std::string& name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(name, "no such zone (looked for " + path + ")");
  std::string bytes;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<size_t>(in.gcount()));
    if (bytes.size() > (1u << 20)) fail(name, path + " is too large for a TZif file");
  }
  return bytes;
}

}  // namespace

TimeZone TimeZone::utc() {
  return TimeZone("UTC", nullptr);
}

TimeZone TimeZone::load(const std::string& name, const std::string& dir) {
  if (is_utc_name(name)) return TimeZone(name, nullptr);
  check_name(name);
  std::string base = dir;
  if (base.empty()) {
    const char* env = std::getenv("TZDIR");
    base = env && *env ? env : "/usr/share/zoneinfo";
  }
  return from_tzif(name, read_zone_file(name, base + "/" + name));
}

TimeZone TimeZone::from_tzif(const std::string& name, std::string_view data) {
  Bytes b{name, data};
  char version = 0;
  Counts c = read_header(b, version);
  if (version == '\0') return TimeZone(name, std::make_shared<ZoneData>(read_block(b, c, 4)));
  b.need(block_size(c, 4));
  b.pos += block_size(c, 4);
  c = read_header(b, version);
  ZoneData z = read_block(b, c, 8);
  if (b.byte() != '\n') fail(name, "TZif footer is missing");
  size_t close = data.find('\n', b.pos);
  if (close == std::string_view::npos) fail(name, "TZif footer is not terminated");
  std::string_view footer = data.substr(b.pos, close - b.pos);
  if (!footer.empty()) {
    z.footer = detail::parse_posix_rule(footer);
    if (!z.footer) fail(name, "cannot read the TZif footer rule '" + std::string(footer) + "'");
  }
  return TimeZone(name, std::make_shared<ZoneData>(std::move(z)));
}

TimeZone TimeZone::from_posix_rule(const std::string& name, std::string_view rule) {
  auto parsed = detail::parse_posix_rule(rule);
  if (!parsed) fail(name, "cannot read the rule '" + std::string(rule) + "'");
  ZoneData z;
  z.initial_offset = parsed->std_offset;
  z.footer = parsed;
  return TimeZone(name, std::make_shared<ZoneData>(std::move(z)));
}

int32_t TimeZone::utc_offset(int64_t utc_seconds) const {
  if (!data_) return 0;
  const ZoneData& z = *data_;
  const auto& t = z.transitions;
  if (t.empty() || utc_seconds >= t.back()) {
    if (z.footer) return detail::posix_rule_offset(*z.footer, utc_seconds);
    return t.empty() ? z.initial_offset : z.offsets.back();
  }
  auto it = std::upper_bound(t.begin(), t.end(), utc_seconds);
  if (it == t.begin()) return z.initial_offset;
  return z.offsets[static_cast<size_t>(it - t.begin()) - 1];
}

}  // namespace ferry::cake
