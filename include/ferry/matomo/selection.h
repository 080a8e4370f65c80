// Which objects of the pull target belong to a site's day: keys under the site's prefix (listed
// page by page, never the whole bucket), containing a match of its pattern, whose LastModified
// lies in [D 00:00, D+1 00:00) of the configured zone, so an object modified exactly at midnight
// belongs to the day that starts then, and to that one only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/base/time.h"
#include "ferry/base/zone.h"
#include "ferry/matomo/settings.h"
#include "ferry/matomo/store.h"

namespace ferry::net {
class ObjectStore;
}

namespace ferry::matomo {

// A LastModified as S3 gives it: ISO 8601 (`2015-03-05T00:00:00.000Z`, list pages) or an HTTP
// date (`Thu, 05 Mar 2015 00:00:00 GMT`, HEAD). nullopt for anything else.
std::optional<TimePoint> parse_last_modified(std::string_view text);

// A compiled `pattern` (POSIX extended). An empty pattern matches every key.
class KeyPattern {
 public:
  // Throws UsageError naming the pattern when it does not compile.
  explicit KeyPattern(const std::string& pattern);
  ~KeyPattern();
  KeyPattern(const KeyPattern&) = delete;
  KeyPattern& operator=(const KeyPattern&) = delete;
  bool matches(const std::string& key) const;

 private:
  struct Impl;
  Impl* impl_ = nullptr;
};

// The objects of `site` uploaded on `day` (in `zone`), in key order. A permanent failure for a
// pattern that does not compile or a LastModified that cannot be read; the store's failures
// (OperationError) keep their kind.
Result<std::vector<ListedObject>> select_day(net::ObjectStore& pull, const SiteSettings& site,
                                             const TimeZone& zone, const Date& day);

}  // namespace ferry::matomo
