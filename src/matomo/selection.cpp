#include "ferry/matomo/selection.h"

#include <regex.h>

#include <cctype>
#include <cstring>

#include "ferry/net/object_store.h"

namespace ferry::matomo {
namespace {

bool read_int(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// `Thu, 05 Mar 2015 00:00:00 GMT`.
std::optional<TimePoint> parse_http_date(std::string_view s) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
  int day = 0, year = 0, h = 0, m = 0, sec = 0, month = 0;
  for (int i = 0; i < 12; ++i)
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  if (!month || !read_int(s, 5, 2, day) || !read_int(s, 12, 4, year) || !read_int(s, 17, 2, h) ||
      !read_int(s, 20, 2, m) || !read_int(s, 23, 2, sec) || s[19] != ':' || s[22] != ':' ||
      !is_valid_date(year, month, day) || h > 23 || m > 59 || sec > 60)
    return std::nullopt;
  int64_t t = days_from_civil(Date{year, month, day}) * 86400 + h * 3600 + m * 60 + sec;
  return checked_time_point(t);
}

}  // namespace

std::optional<TimePoint> parse_last_modified(std::string_view text) {
  if (text.size() >= 10 && std::isdigit(static_cast<unsigned char>(text[0])))
    return parse_iso8601(text);
  return parse_http_date(text);
}

struct KeyPattern::Impl {
  regex_t re;
};

KeyPattern::KeyPattern(const std::string& pattern) {
  if (pattern.empty()) return;
  impl_ = new Impl;
  int rc = regcomp(&impl_->re, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char buf[256];
    regerror(rc, &impl_->re, buf, sizeof buf);
    delete impl_;
    impl_ = nullptr;
    throw UsageError("pattern '" + pattern + "' is not a regular expression: " + buf);
  }
}

KeyPattern::~KeyPattern() {
  if (!impl_) return;
  regfree(&impl_->re);
  delete impl_;
}

bool KeyPattern::matches(const std::string& key) const {
  return !impl_ || regexec(&impl_->re, key.c_str(), 0, nullptr, 0) == 0;
}

Result<std::vector<ListedObject>> select_day(net::ObjectStore& pull, const SiteSettings& site,
                                             const TimeZone& zone, const Date& day) {
  const std::string what = "matomo: " + site.name + ": " + format_date(day) + ": ";
  try {
    KeyPattern pattern(site.pattern);
    const TimePoint start = zone.local_midnight(day);
    const TimePoint end = zone.local_midnight(add_days(day, 1));
    std::vector<ListedObject> out;
    for (const auto& o : pull.list(site.prefix)) {
      if (!o.key.empty() && o.key.back() == '/') continue;  // a folder marker
      if (!pattern.matches(o.key)) continue;
      auto at = parse_last_modified(o.last_modified);
      if (!at)
        return Failure::permanent(what + "object " + o.key + " has an unreadable LastModified '" +
                                  o.last_modified + "'");
      if (*at < start || *at >= end) continue;
      out.push_back({o.key, o.etag, o.last_modified, static_cast<int64_t>(o.size)});
    }
    return out;
  } catch (const OperationError& e) {
    return Failure{e.kind(),
                   what + "listing " + pull.describe() + "/" + site.prefix + ": " + e.what()};
  } catch (const UsageError& e) {
    return Failure::permanent(what + e.what());
  }
}

}  // namespace ferry::matomo
