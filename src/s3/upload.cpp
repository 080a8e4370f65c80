// Uploads: the choice between one PUT and a multipart upload, the single PUT, and the checks
// that tell a file changed during its upload.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "ferry/base/text.h"
#include "ferry/crypto/base64.h"
#include "ferry/s3/xml.h"
#include "s3/client_internal.h"

namespace ferry::s3 {

FileStamp stamp_file(const std::string& path, const std::string& where) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw OperationError(FailureKind::kPermanent,
                         "s3 PUT " + where + ": cannot read " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw OperationError(FailureKind::kPermanent,
                         "s3 PUT " + where + ": " + path + " is not a regular file");
  FileStamp stamp;
  stamp.device = static_cast<uint64_t>(st.st_dev);
  stamp.inode = static_cast<uint64_t>(st.st_ino);
  stamp.size = static_cast<uint64_t>(st.st_size);
  stamp.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return stamp;
}

OperationError changed_error(const std::string& where, const std::string& path,
                             const std::string& why) {
  return OperationError(FailureKind::kTransient, "s3 PUT " + where + ": " + path +
                                                     " changed while it was uploaded (" + why +
                                                     "); nothing was stored");
}

void check_range_unchanged(const std::string& where, const std::string& path, uint64_t offset,
                           uint64_t length, const std::string& md5) {
  std::string now;
  try {
    now = crypto::file_md5(path, offset, length);
  } catch (const OperationError&) {
    throw changed_error(where, path, "it is shorter now");
  }
  if (now != md5) throw changed_error(where, path, "its bytes are not those hashed before sending");
}

bool is_digest_refusal(const net::HttpResponse& response) {
  if (response.status != 400) return false;
  auto doc = parse_error(response.body);
  return doc && (doc->code == "BadDigest" || doc->code == "XAmzContentSHA256Mismatch");
}

void S3Client::put_file(const std::string& key, const std::string& path) {
  const std::string full = full_key(key);
  const FileStamp stamp = stamp_file(path, target(full));
  if (stamp.size > options_.multipart_threshold)
    put_multipart(full, path, stamp);
  else
    put_single(full, path, stamp);
}

void S3Client::put_single(const std::string& full, const std::string& path,
                          const FileStamp& stamp) {
  const std::string where = target(full);
  const uint64_t size = stamp.size;
  // Over TLS the payload goes unsigned and only its MD5 is needed; over plain HTTP its SHA-256
  // is signed too, computed in the same pass.
  const bool sign_payload = endpoint_.scheme != "https";
  crypto::FileDigests d;
  if (sign_payload)
    d = crypto::file_digests(path, 0, size);
  else
    d.md5 = crypto::file_md5(path, 0, size);
  Call call;
  call.method = "PUT";
  call.key = full;
  call.headers = {{"Content-MD5", crypto::base64_encode(d.md5)},
                  {"Content-Type", "application/octet-stream"}};
  call.payload_hash = sign_payload ? crypto::hex_encode(d.sha256) : kUnsignedPayload;
  call.body.file = path;
  call.body.length = size;
  call.transfer = true;
  if (progress_) call.progress = [this, size](uint64_t done, uint64_t) { progress_(done, size); };
  net::HttpResponse r = send(call);
  if (is_digest_refusal(r)) {
    check_range_unchanged(where, path, 0, size, d.md5);
    throw OperationError(FailureKind::kTransient, "s3 PUT " + where + ": " + describe_failure(r) +
                                                      " (the bytes were damaged on the way)");
  }
  if (!r.ok()) throw s3_error("PUT", where, r);
  // Stores that take any Content-MD5 (s3rver) answer a changed file with another ETag.
  const std::string etag = lower(unquote_etag(r.header("etag").value_or("")));
  const std::string md5 = crypto::hex_encode(d.md5);
  const bool etag_differs = options_.verify_etag && etag != md5;
  try {
    if (etag_differs) check_range_unchanged(where, path, 0, size, d.md5);
    if (stamp_file(path, where) != stamp)
      throw changed_error(where, path, "its size or modification time changed");
  } catch (const OperationError&) {
    try {
      remove(full.substr(prefix_.size()));  // what was stored may mix old and new bytes
    } catch (const OperationError&) {
      // The change is the failure to report.
    }
    throw;
  }
  if (etag_differs)
    throw OperationError(FailureKind::kPermanent,
                         "s3 PUT " + where + ": the ETag '" + etag + "' is not the file's MD5 " +
                             md5 + " (set verify_etag = false for buckets with SSE-KMS or SSE-C)");
}

}  // namespace ferry::s3
