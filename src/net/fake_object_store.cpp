#include "ferry/net/fake_object_store.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "ferry/crypto/hash.h"

namespace ferry::net {
namespace {

constexpr std::chrono::seconds kMaxPresign{7 * 24 * 3600};

}  // namespace

ObjectInfo FakeObjectStore::info_of(const std::string& key, const std::string& data) const {
  auto lm = last_modified_.find(key);
  return {key, data.size(), crypto::md5_hex(data),
          lm == last_modified_.end() ? "2016-01-01T00:00:00.000Z" : lm->second};
}

void FakeObjectStore::fail_next(const std::string& operation, Failure failure) {
  failures_.emplace_back(operation, std::move(failure));
}

void FakeObjectStore::maybe_fail(const std::string& operation, const std::string& key) {
  calls_.push_back(operation + " " + key);
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (it->first != operation) continue;
    Failure f = it->second;
    failures_.erase(it);
    throw OperationError(f.kind, f.message);
  }
}

void FakeObjectStore::put_file(const std::string& key, const std::string& path) {
  puts_.push_back(key);
  maybe_fail("put", key);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw OperationError(FailureKind::kPermanent, "fake s3 PUT " + key + ": cannot read " + path);
  std::stringstream data;
  data << in.rdbuf();
  objects_[key] = data.str();
}

void FakeObjectStore::get_file(const std::string& key, const std::string& path) {
  maybe_fail("get", key);
  auto it = objects_.find(key);
  if (it == objects_.end())
    throw OperationError(FailureKind::kPermanent,
                         "s3 GET s3://" + bucket_ + "/" + key + ": HTTP 404 NoSuchKey");
  const std::string temp = path + ".fake-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << it->second;
    if (!out) throw OperationError(FailureKind::kPermanent, "fake s3 GET: cannot write " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    throw OperationError(FailureKind::kPermanent, "fake s3 GET: cannot rename to " + path);
}

std::optional<ObjectInfo> FakeObjectStore::head(const std::string& key) {
  maybe_fail("head", key);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return info_of(key, it->second);
}

std::vector<ObjectInfo> FakeObjectStore::list(const std::string& prefix,
                                              const std::string& start_after) {
  maybe_fail("list", prefix);
  std::vector<ObjectInfo> out;
  for (auto it = objects_.lower_bound(prefix); it != objects_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (!start_after.empty() && it->first <= start_after) continue;
    out.push_back(info_of(it->first, it->second));
  }
  return out;
}

void FakeObjectStore::remove(const std::string& key) {
  maybe_fail("remove", key);
  objects_.erase(key);
}

std::string FakeObjectStore::presign_get(const std::string& key, std::chrono::seconds expires,
                                         TimePoint now) {
  calls_.push_back("presign " + key);
  if (expires > kMaxPresign)
    throw UsageError(
        "presigned S3 links last at most 7 days (604800 s, the SigV4 limit); asked for " +
        format_duration(expires));
  if (expires.count() <= 0) throw UsageError("a presigned S3 link must last at least 1 second");
  return "https://fake-s3.invalid/" + bucket_ + "/" + key +
         "?expires=" + std::to_string(expires.count()) + "&at=" + format_iso8601(now);
}

}  // namespace ferry::net
