// Object storage (S3 and compatible) behind a narrow interface, with an in-memory fake
// (fake_object_store.h) for unit tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ferry/base/time.h"

namespace ferry::net {

struct ObjectInfo {
  std::string key;  // relative to the store's configured prefix, as put/get take it
  uint64_t size = 0;
  std::string etag;           // without quotes
  std::string last_modified;  // as the store reports it
};

// Where a store's objects live, as recorded with each upload: a link made later goes to the
// object even after the configuration changed.
struct ObjectLocation {
  std::string endpoint;  // the URL requests go to: `https://s3.us-east-1.amazonaws.com`
  std::string region;    // the region signatures name
  std::string bucket;
  std::string prefix;  // put before every key: "" or a folder ending in `/`
};

// All methods throw ferry::OperationError on failure, transient (5xx, SlowDown, timeouts) or
// permanent (403, 404 on get, bad config); what() names the bucket and key.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Uploads the file at `path` to `key`, streamed from disk.
  virtual void put_file(const std::string& key, const std::string& path) = 0;
  // Downloads `key` to `path` through a temp file that is renamed on success only.
  virtual void get_file(const std::string& key, const std::string& path) = 0;
  // nullopt when the key does not exist.
  virtual std::optional<ObjectInfo> head(const std::string& key) = 0;
  // Every key under `prefix` after `start_after`, in key order; pages internally.
  virtual std::vector<ObjectInfo> list(const std::string& prefix,
                                       const std::string& start_after = "") = 0;
  // At most `max` (>= 1) keys under `prefix`, in key order, with one request where the store
  // allows it: a cheap probe that the store answers and the credentials are accepted. This
  // default lists everything and keeps the first `max`.
  virtual std::vector<ObjectInfo> list_first(const std::string& prefix, size_t max) {
    auto all = list(prefix);
    if (all.size() > max) all.resize(max);
    return all;
  }
  // Deleting a missing key is not an error.
  virtual void remove(const std::string& key) = 0;
  // A presigned GET URL valid for `expires` from `now`. Throws UsageError beyond 7 days.
  virtual std::string presign_get(const std::string& key, std::chrono::seconds expires,
                                  TimePoint now) = 0;
  // A short name for messages: `s3://bucket/prefix`.
  virtual std::string describe() const = 0;
  // Where the objects live; an object's key in the bucket is location().prefix + key.
  virtual ObjectLocation location() const = 0;
};

}  // namespace ferry::net
