// An in-memory ObjectStore for unit tests of the pipelines: objects live in a map, every call is
// recorded, failures can be injected, and presigned URLs are deterministic:
// `https://fake-s3.invalid/<bucket>/<key>?expires=<seconds>&at=<ISO-8601 now>`; its location is
// endpoint `https://fake-s3.invalid`, region `us-east-1`, the bucket and no prefix.
// Keys are kept as given (no prefix). Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/net/object_store.h"

namespace ferry::net {

class FakeObjectStore : public ObjectStore {
 public:
  explicit FakeObjectStore(std::string bucket = "fake-bucket") : bucket_(std::move(bucket)) {}

  // put_file reads the whole file (throws OperationError(kPermanent) if it cannot).
  void put_file(const std::string& key, const std::string& path) override;
  // get_file throws OperationError(kPermanent) for a missing key; writes through a temp file.
  void get_file(const std::string& key, const std::string& path) override;
  std::optional<ObjectInfo> head(const std::string& key) override;
  std::vector<ObjectInfo> list(const std::string& prefix,
                               const std::string& start_after = "") override;
  void remove(const std::string& key) override;
  // UsageError beyond 7 days or at or below zero, as the real store.
  std::string presign_get(const std::string& key, std::chrono::seconds expires,
                          TimePoint now) override;
  std::string describe() const override { return "s3://" + bucket_; }
  ObjectLocation location() const override {
    return {"https://fake-s3.invalid", "us-east-1", bucket_, ""};
  }

  // Test controls and observations.
  void set_object(const std::string& key, std::string data) { objects_[key] = std::move(data); }
  // The LastModified list() and head() give for `key` (default `2016-01-01T00:00:00.000Z`).
  void set_last_modified(const std::string& key, std::string text) {
    last_modified_[key] = std::move(text);
  }
  const std::map<std::string, std::string>& objects() const { return objects_; }
  // Keys passed to put_file, in call order (failed calls included).
  const std::vector<std::string>& puts() const { return puts_; }
  // "put KEY", "get KEY", "head KEY", "list PREFIX", "remove KEY", "presign KEY".
  const std::vector<std::string>& calls() const { return calls_; }
  // The next call of `operation` ("put", "get", "head", "list", "remove") fails with `failure`
  // instead of acting; queued failures are used in order.
  void fail_next(const std::string& operation, Failure failure);

 private:
  void maybe_fail(const std::string& operation, const std::string& key);
  ObjectInfo info_of(const std::string& key, const std::string& data) const;

  std::string bucket_;
  std::map<std::string, std::string> objects_;
  std::map<std::string, std::string> last_modified_;
  std::vector<std::string> puts_;
  std::vector<std::string> calls_;
  std::vector<std::pair<std::string, Failure>> failures_;
};

}  // namespace ferry::net
