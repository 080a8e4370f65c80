#include "s3/received.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ferry/base/error.h"

namespace ferry::s3 {
namespace {

constexpr size_t kMaxQueued = 8 << 20;
constexpr uint64_t kFlushEvery = 16 << 20;

}  // namespace

Received::Received(const std::string& path, std::string what)
    : path_(path), what_(std::move(what)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw OperationError(FailureKind::kPermanent,
                         what_ + ": cannot open " + path_ + ": " + std::strerror(errno));
  hasher_ = std::thread([this] { run(); });
}

Received::~Received() {
  if (hasher_.joinable()) {
    push(Piece{false, true, {}});
    hasher_.join();
  }
  ::close(fd_);
}

void Received::push(Piece piece) {
  std::unique_lock<std::mutex> lock(mu_);
  // A piece larger than the bound still goes once the queue is empty.
  cv_.wait(lock, [&] { return queue_.empty() || queued_ + piece.bytes.size() <= kMaxQueued; });
  queued_ += piece.bytes.size();
  queue_.push_back(std::move(piece));
  cv_.notify_all();
}

void Received::add(const char* data, size_t size) {
  if (!data) {
    bytes_ = 0;
    push(Piece{true, false, {}});
    return;
  }
  bytes_ += size;
  push(Piece{false, false, std::string(data, size)});
}

void Received::run() {
  uint64_t hashed = 0;
  uint64_t flushed = 0;
  for (;;) {
    Piece piece;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty(); });
      piece = std::move(queue_.front());
      queue_.pop_front();
      queued_ -= piece.bytes.size();
      cv_.notify_all();
    }
    if (piece.end) break;
    if (piece.restart) {
      md5_.reset();
      error_.clear();
      hashed = flushed = 0;
      continue;
    }
    try {
      md5_.update(piece.bytes.data(), piece.bytes.size());
    } catch (const OperationError& e) {
      error_ = e.what();  // reported by md5_hex(); the queue keeps draining
    }
    hashed += piece.bytes.size();
    if (hashed - flushed >= kFlushEvery) {
      // Bytes still in the writer's stdio buffer are left to the final fsync.
      ::sync_file_range(fd_, static_cast<off_t>(flushed), static_cast<off_t>(hashed - flushed),
                        SYNC_FILE_RANGE_WRITE);
      flushed = hashed;
    }
  }
  try {
    digest_ = crypto::hex_encode(md5_.finish());
  } catch (const OperationError& e) {
    error_ = e.what();
  }
}

std::string Received::md5_hex() {
  if (hasher_.joinable()) {
    push(Piece{false, true, {}});
    hasher_.join();
  }
  if (!error_.empty()) throw OperationError(FailureKind::kPermanent, what_ + ": " + error_);
  return digest_;
}

void Received::sync() {
  if (::fsync(fd_) != 0)
    throw OperationError(FailureKind::kPermanent, what_ + ": cannot fsync " + path_);
}

}  // namespace ferry::s3
