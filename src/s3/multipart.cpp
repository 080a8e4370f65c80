// Multipart upload: initiate, parts (hashed one ahead, each retried on its own), complete,
// HEAD check; abort on any failure, an interruption by a stop request included.
#include <spdlog/spdlog.h>

#include <future>

#include "ferry/crypto/base64.h"
#include "ferry/s3/xml.h"
#include "s3/client_internal.h"

namespace ferry::s3 {
namespace {

bool retry_part(const net::HttpResponse& r) {
  if (is_transient_failure(r)) return true;
  auto doc = parse_error(r.body);
  return doc && doc->code == "BadDigest";
}

std::string complete_body(const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i)
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>\"" +
           xml_escape(etags[i]) + "\"</ETag></Part>";
  return xml + "</CompleteMultipartUpload>";
}

}  // namespace

uint64_t S3Client::part_size_for(uint64_t size) const {
  uint64_t part = options_.part_size;
  if ((size + part - 1) / part > kMaxParts) {
    part = (size + kMaxParts - 1) / kMaxParts;
    part = (part + kMiB - 1) / kMiB * kMiB;
  }
  return part;
}

void S3Client::put_multipart(const std::string& full, const std::string& path, uint64_t size) {
  const std::string upload_id = initiate_upload(full);
  try {
    std::vector<std::string> etags = upload_parts(full, upload_id, path, size);
    complete_upload(full, upload_id, etags);  // false: S3 forgot the upload; HEAD decides
  } catch (...) {
    abort_upload(full, upload_id);
    throw;
  }
  auto info = head(full.substr(prefix_.size()));
  if (info && info->size == size) return;
  std::string got = info ? std::to_string(info->size) + " bytes" : "no object";
  if (info) {
    try {
      remove(full.substr(prefix_.size()));  // a wrong object must not stay at the key
    } catch (const OperationError&) {
      // The size error below is the one to report.
    }
  }
  throw OperationError(FailureKind::kTransient, "s3 PUT " + target(full) +
                                                    ": after the multipart upload S3 has " + got +
                                                    ", expected " + std::to_string(size));
}

std::vector<std::string> S3Client::upload_parts(const std::string& full,
                                                const std::string& upload_id,
                                                const std::string& path, uint64_t size) {
  const uint64_t part_size = part_size_for(size);
  const int count = static_cast<int>((size + part_size - 1) / part_size);
  auto plan = [&](int number) {
    Part p;
    p.number = number;
    p.count = count;
    p.offset = static_cast<uint64_t>(number - 1) * part_size;
    p.length = std::min(part_size, size - p.offset);
    p.total = size;
    return p;
  };
  // Over TLS a part's payload goes unsigned, as the AWS CLI sends it: TLS and the signed
  // Content-MD5 protect it, and the SHA-256 pass is saved. Over plain HTTP it is signed.
  const bool sign_payload = endpoint_.scheme != "https";
  auto hash_async = [&path, sign_payload](const Part& p) {
    return std::async(std::launch::async,
                      [path, sign_payload, offset = p.offset, length = p.length] {
                        if (sign_payload) return crypto::file_digests(path, offset, length);
                        crypto::FileDigests d;
                        d.md5 = crypto::file_md5(path, offset, length);
                        d.bytes = length;
                        return d;
                      });
  };
  // The next part is hashed while the current one is sent.
  std::vector<std::string> etags;
  Part next = plan(1);
  auto next_digests = hash_async(next);
  for (int n = 1; n <= count; ++n) {
    Part part = next;
    part.digests = next_digests.get();
    if (n < count) {
      next = plan(n + 1);
      next_digests = hash_async(next);
    }
    etags.push_back(upload_part(full, upload_id, path, part));
  }
  return etags;
}

std::string S3Client::initiate_upload(const std::string& full) {
  Call call;
  call.method = "POST";
  call.key = full;
  call.query = {{"uploads", ""}};
  call.headers = {{"Content-Type", "application/octet-stream"}};
  net::HttpResponse r = send(call);
  if (!r.ok()) throw s3_error("PUT", target(full), r, "starting a multipart upload");
  auto id = xml_text(r.body, "UploadId");
  if (!id || id->empty())
    throw OperationError(
        FailureKind::kTransient,
        "s3 PUT " + target(full) + ": no UploadId in the answer to CreateMultipartUpload");
  return *id;
}

std::string S3Client::upload_part(const std::string& full, const std::string& upload_id,
                                  const std::string& path, const Part& part) {
  const std::string context =
      "part " + std::to_string(part.number) + " of " + std::to_string(part.count);
  const std::string md5 = crypto::hex_encode(part.digests.md5);
  Call call;
  call.method = "PUT";
  call.key = full;
  call.query = {{"partNumber", std::to_string(part.number)}, {"uploadId", upload_id}};
  call.headers = {{"Content-MD5", crypto::base64_encode(part.digests.md5)}};
  call.payload_hash =
      part.digests.sha256.empty() ? kUnsignedPayload : crypto::hex_encode(part.digests.sha256);
  call.body.file = path;
  call.body.offset = part.offset;
  call.body.length = part.length;
  call.transfer = true;
  if (progress_)
    call.progress = [this, &part](uint64_t done, uint64_t) {
      progress_(part.offset + done, part.total);
    };
  std::string problem;
  for (int attempt = 1; attempt <= options_.part_attempts; ++attempt) {
    net::HttpResponse r = send(call);
    if (!r.ok()) {
      if (!retry_part(r) || attempt == options_.part_attempts)
        throw s3_error("PUT", target(full), r, context + ", try " + std::to_string(attempt));
      continue;
    }
    std::string etag = unquote_etag(r.header("etag").value_or(""));
    for (char& c : etag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!options_.verify_etag || etag == md5) return etag.empty() ? md5 : etag;
    problem = "ETag '" + etag + "' is not the part's MD5 " + md5;
  }
  throw OperationError(FailureKind::kTransient,
                       "s3 PUT " + target(full) + " (" + context + "): " + problem);
}

// True when the object was assembled; false when S3 no longer knows the upload after a retried
// request, which the caller's HEAD check then settles. Throws for other failures.
bool S3Client::complete_upload(const std::string& full, const std::string& upload_id,
                               const std::vector<std::string>& etags) {
  const std::string body = complete_body(etags);
  Call call;
  call.method = "POST";
  call.key = full;
  call.query = {{"uploadId", upload_id}};
  call.headers = {{"Content-MD5", crypto::md5_base64(body)}, {"Content-Type", "application/xml"}};
  call.payload_hash = crypto::sha256_hex(body);
  call.body.data = body;
  call.transfer = true;  // S3 may take minutes to assemble a large object
  for (int attempt = 1;; ++attempt) {
    net::HttpResponse r = send(call);
    auto error = parse_error(r.body);
    if (r.ok() && !error) return true;
    if (error && error->code == "NoSuchUpload" && (attempt > 1 || r.attempts > 1)) return false;
    // S3 may answer 200 with an <Error> document; judge it as the status it stands for.
    if (r.ok()) r.status = error->code == "InternalError" || error->code == "SlowDown" ? 503 : 400;
    if (!is_transient_failure(r) || attempt >= options_.part_attempts)
      throw s3_error("PUT", target(full), r, "completing the multipart upload");
  }
}

void S3Client::abort_upload(const std::string& full, const std::string& upload_id) {
  Call call;
  call.method = "DELETE";
  call.key = full;
  call.query = {{"uploadId", upload_id}};
  call.interruptible = false;  // sent during a stop too: the parts must not linger
  spdlog::info("s3 PUT {}: aborting multipart upload {}", target(full), upload_id);
  try {
    // Best effort: S3's lifecycle rules clean up what this cannot.
    net::HttpResponse r = send(call);
    if (!r.ok())
      spdlog::warn("s3 PUT {}: aborting multipart upload {}: {}", target(full), upload_id,
                   describe_failure(r));
  } catch (const std::exception&) {
    // The failure that led here is the one to report.
  }
}

}  // namespace ferry::s3
