// Multipart upload: initiate; parts hashed in order by one thread and sent by up to `parallel`
// threads, each part retried on its own; a check that the file did not change; complete; HEAD
// check. Any failure, an interruption by a stop request included, aborts the upload.
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <optional>
#include <thread>

#include "ferry/crypto/base64.h"
#include "ferry/s3/xml.h"
#include "s3/client_internal.h"

namespace ferry::s3 {
namespace {

bool retry_part(const net::HttpResponse& r) {
  return is_transient_failure(r) || is_digest_refusal(r);
}

std::string complete_body(const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i)
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>\"" +
           xml_escape(etags[i]) + "\"</ETag></Part>";
  return xml + "</CompleteMultipartUpload>";
}

// Hashed parts handed from the hasher to the senders in order, at most `ahead` waiting.
template <typename Item>
class Feed {
 public:
  explicit Feed(size_t ahead) : ahead_(ahead) {}
  // Blocks while `ahead` items wait. False when the feed was stopped (the item is dropped).
  bool push(Item item) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || ready_.size() < ahead_; });
    if (stopped_) return false;
    ready_.push_back(std::move(item));
    cv_.notify_all();
    return true;
  }
  // The next item; nullopt once the feed was stopped, or closed and emptied.
  std::optional<Item> pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || closed_ || !ready_.empty(); });
    if (stopped_ || ready_.empty()) return std::nullopt;
    Item item = std::move(ready_.front());
    ready_.pop_front();
    cv_.notify_all();
    return item;
  }
  // No more pushes: pop() answers nullopt once the waiting items are taken.
  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  // Drops what waits; push() and pop() answer false and nullopt from now on.
  void stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    ready_.clear();
    cv_.notify_all();
  }

 private:
  const size_t ahead_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> ready_;
  bool closed_ = false;
  bool stopped_ = false;
};

// The first failure of any of the upload's threads; the later ones are its consequences.
class FirstFailure {
 public:
  void set(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!first_) first_ = std::move(e);
  }
  void rethrow() {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mu_;
  std::exception_ptr first_;
};

// Joins its threads when it goes, after stopping the feed, also when starting a thread threw.
template <typename Item>
struct Crew {
  Feed<Item>& feed;
  std::vector<std::thread> threads;
  ~Crew() {
    feed.stop();
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }
};

// A part's digests: MD5 only when the payload goes unsigned, MD5 and SHA-256 in one pass else.
crypto::FileDigests part_digests(const std::string& path, uint64_t offset, uint64_t length,
                                 bool sign_payload) {
  if (sign_payload) return crypto::file_digests(path, offset, length);
  crypto::FileDigests d;
  d.md5 = crypto::file_md5(path, offset, length);
  d.bytes = length;
  return d;
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

void S3Client::put_multipart(const std::string& full, const std::string& path,
                             const FileStamp& stamp) {
  const uint64_t size = stamp.size;
  const std::string upload_id = initiate_upload(full);
  try {
    std::vector<std::string> etags = upload_parts(full, upload_id, path, size);
    // Every part matched its digest; a file changed between the parts' reads still shows here.
    if (stamp_file(path, target(full)) != stamp)
      throw changed_error(target(full), path, "its size or modification time changed");
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

// One thread hashes the parts in order, at most `parallel` ahead of the senders; `parallel`
// threads (the caller's among them) send them. The first failure stops the hashing and the
// taking of new parts; parts already on the wire end by themselves (a stop request cuts them).
std::vector<std::string> S3Client::upload_parts(const std::string& full,
                                                const std::string& upload_id,
                                                const std::string& path, uint64_t size) {
  const uint64_t part_size = part_size_for(size);
  const int count = static_cast<int>((size + part_size - 1) / part_size);
  const int senders = std::min(options_.parallel, count);
  // Over TLS a part's payload goes unsigned, as the AWS CLI sends it: TLS and the signed
  // Content-MD5 protect it, and the SHA-256 pass is saved. Over plain HTTP it is signed.
  const bool sign_payload = endpoint_.scheme != "https";
  std::vector<std::string> etags(static_cast<size_t>(count));
  PartProgress progress(progress_, size, count);
  FirstFailure failure;
  Feed<Part> feed(static_cast<size_t>(senders));
  auto hash_parts = [&] {
    try {
      for (int n = 1; n <= count; ++n) {
        Part p;
        p.number = n;
        p.count = count;
        p.offset = static_cast<uint64_t>(n - 1) * part_size;
        p.length = std::min(part_size, size - p.offset);
        p.total = size;
        p.digests = read_for_upload(target(full), path, [&] {
          return part_digests(path, p.offset, p.length, sign_payload);
        });
        if (!feed.push(std::move(p))) return;
      }
      feed.close();
    } catch (...) {
      failure.set(std::current_exception());
      feed.stop();
    }
  };
  auto send_parts = [&] {
    try {
      while (auto part = feed.pop())
        etags[static_cast<size_t>(part->number - 1)] =
            upload_part(full, upload_id, path, *part, progress);
    } catch (...) {
      failure.set(std::current_exception());
      feed.stop();
    }
  };
  {
    Crew<Part> crew{feed, {}};
    crew.threads.emplace_back(hash_parts);
    for (int i = 1; i < senders; ++i) crew.threads.emplace_back(send_parts);
    send_parts();
  }
  failure.rethrow();
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
                                  const std::string& path, const Part& part,
                                  PartProgress& progress) const {
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
  if (progress.enabled())
    call.progress = [&progress, number = part.number](uint64_t done, uint64_t) {
      progress.update(number, done);
    };
  std::string problem;
  for (int attempt = 1; attempt <= options_.part_attempts; ++attempt) {
    net::HttpResponse r = send(call);
    if (is_digest_refusal(r))
      check_range_unchanged(target(full), path, part.offset, part.length, part.digests.md5);
    if (!r.ok()) {
      if (!retry_part(r) || attempt == options_.part_attempts)
        throw s3_error("PUT", target(full), r, context + ", try " + std::to_string(attempt));
      continue;
    }
    std::string etag = unquote_etag(r.header("etag").value_or(""));
    for (char& c : etag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!options_.verify_etag || etag == md5) return etag.empty() ? md5 : etag;
    // Stores that take any Content-MD5 (s3rver) answer a changed file with another ETag.
    check_range_unchanged(target(full), path, part.offset, part.length, part.digests.md5);
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
