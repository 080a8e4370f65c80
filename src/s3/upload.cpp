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

// The MD5 and SHA-256 of a body as it goes out, try after try (each try starts again).
class SentDigests {
 public:
  void watch(net::RequestBody& body) {
    body.watch_start = [this] {
      md5_.reset();
      sha256_.reset();
      bytes_ = 0;
    };
    body.watch = [this](std::string_view piece) {
      md5_.update(piece.data(), piece.size());
      sha256_.update(piece.data(), piece.size());
      bytes_ += piece.size();
    };
  }
  // The raw MD5 of what the last try sent when it sent `size` bytes whose SHA-256 is `sha256`;
  // "" when what went out was not those bytes (or not all of them).
  std::string finish(uint64_t size, const std::string& sha256) {
    std::string md5 = md5_.finish();
    if (bytes_ != size || sha256_.finish() != sha256) return "";
    return md5;
  }

 private:
  crypto::Md5 md5_;
  crypto::Sha256 sha256_;
  uint64_t bytes_ = 0;
};

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
  // Over TLS the payload goes unsigned with its Content-MD5, read once before sending. Over
  // plain HTTP only the signed SHA-256 is read before; the MD5 (for the ETag) and the SHA-256
  // of what actually went out are taken while sending, so a change after hashing is seen.
  const bool sign_payload = endpoint_.scheme != "https";
  std::string md5, sha256;
  read_for_upload(where, path, [&] {
    if (sign_payload)
      sha256 = crypto::file_sha256(path, 0, size);
    else
      md5 = crypto::file_md5(path, 0, size);
  });
  SentDigests sent;
  Call call;
  call.method = "PUT";
  call.key = full;
  call.headers = {{"Content-Type", "application/octet-stream"}};
  if (!sign_payload) call.headers.emplace_back("Content-MD5", crypto::base64_encode(md5));
  call.payload_hash = sign_payload ? crypto::hex_encode(sha256) : kUnsignedPayload;
  call.body.file = path;
  call.body.length = size;
  if (sign_payload) sent.watch(call.body);
  call.transfer = true;
  if (progress_) call.progress = [this, size](uint64_t done, uint64_t) { progress_(done, size); };
  net::HttpResponse r = send(call);
  if (sign_payload) md5 = sent.finish(size, sha256);
  const bool went_changed = sign_payload && md5.empty();
  if (is_digest_refusal(r)) {
    if (went_changed) throw changed_error(where, path, "its bytes are not those hashed before");
    if (!sign_payload) check_range_unchanged(where, path, 0, size, md5);
    throw OperationError(FailureKind::kTransient, "s3 PUT " + where + ": " + describe_failure(r) +
                                                      " (the bytes were damaged on the way)");
  }
  if (!r.ok()) throw s3_error("PUT", where, r);
  // Stores that take any payload (s3rver) answer a changed file with another ETag.
  const std::string etag = lower(unquote_etag(r.header("etag").value_or("")));
  const bool etag_differs = options_.verify_etag && etag != crypto::hex_encode(md5);
  try {
    if (went_changed) throw changed_error(where, path, "its bytes are not those hashed before");
    if (etag_differs && !sign_payload) check_range_unchanged(where, path, 0, size, md5);
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
                             crypto::hex_encode(md5) +
                             " (set verify_etag = false for buckets with SSE-KMS or SSE-C)");
}

}  // namespace ferry::s3
