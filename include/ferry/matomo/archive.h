// The day's archive: one ZIP of the logs a site imported that day, each log (every member of
// every object, in import order) as one member whose content is byte-identical to the log,
// uploaded to the push target at a predictable key and verified there.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/base/time.h"

namespace ferry::net {
class ObjectStore;
}

namespace ferry::matomo {

// `March` for 3. Precondition: 1 <= month <= 12.
const char* month_name(int month);

// `{push_prefix}{YYYY}/{Month}/{DD}/{site}-{Month}-{DD}-{YYYY}.log.zip`, e.g.
// `2015/March/05/example.org-March-05-2015.log.zip`.
std::string archive_key(const std::string& push_prefix, const std::string& site, const Date& day);

// `{site}-{Month}-{DD}-{n}.log`: the n-th log (from 0) of the day's archive.
std::string member_name(const std::string& site, const Date& day, int64_t n);

// Writes the ZIP at `zip_path` (through a temp file; nothing there on failure) with every log
// the files at `object_paths` hold (plain, .gz, .bz2, or each member of a ZIP in name order), in
// that order, named member_name(site, day, 0), (…, 1), …. Returns the number of members. Throws
// OperationError (permanent) naming the file for unreadable input or a write failure.
int64_t build_archive(const std::vector<std::string>& object_paths, const std::string& site,
                      const Date& day, const std::string& zip_path);

// Uploads `zip_path` to `key` and checks with head() that the object is there with the file's
// size. Failures keep the kind of the store's error; a missing or short object is transient.
Status upload_archive(net::ObjectStore& push, const std::string& key, const std::string& zip_path);

}  // namespace ferry::matomo
