#include "s3/received.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ferry/base/error.h"

namespace ferry::s3 {
namespace {

constexpr size_t kBlockSize = 1 << 20;
constexpr size_t kMaxBlocks = 8;
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
  finish();
  ::close(fd_);
}

void Received::push(Piece piece) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(piece);
  cv_.notify_all();
}

void Received::take_block() {
  std::unique_lock<std::mutex> lock(mu_);
  if (free_.empty() && blocks_.size() < kMaxBlocks) {
    blocks_.push_back(std::make_unique<char[]>(kBlockSize));
    free_.push_back(blocks_.size() - 1);
  }
  cv_.wait(lock, [&] { return !free_.empty(); });
  fill_block_ = free_.back();
  free_.pop_back();
  fill_size_ = 0;
  filling_ = true;
}

void Received::hand_over() {
  if (!filling_) return;
  filling_ = false;
  Piece piece;
  piece.block = fill_block_;
  piece.size = fill_size_;
  push(piece);
}

void Received::add(const char* data, size_t size) {
  if (!data) {
    // The bytes of the cut exchange are hashed and then forgotten: the restart resets the MD5.
    bytes_ = 0;
    hand_over();
    Piece restart;
    restart.kind = Piece::Kind::kRestart;
    push(restart);
    return;
  }
  bytes_ += size;
  while (size > 0) {
    if (!filling_) take_block();
    const size_t n = std::min(size, kBlockSize - fill_size_);
    std::memcpy(blocks_[fill_block_].get() + fill_size_, data, n);
    fill_size_ += n;
    data += n;
    size -= n;
    if (fill_size_ == kBlockSize) hand_over();
  }
}

void Received::finish() {
  if (!hasher_.joinable()) return;
  hand_over();
  Piece end;
  end.kind = Piece::Kind::kEnd;
  push(end);
  hasher_.join();
}

void Received::run() {
  uint64_t hashed = 0;
  uint64_t flushed = 0;
  for (;;) {
    Piece piece;
    const char* bytes = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty(); });
      piece = queue_.front();
      queue_.pop_front();
      if (piece.kind == Piece::Kind::kBytes) bytes = blocks_[piece.block].get();
    }
    if (piece.kind == Piece::Kind::kEnd) break;
    if (piece.kind == Piece::Kind::kRestart) {
      md5_.reset();
      error_.clear();
      hashed = flushed = 0;
      continue;
    }
    try {
      md5_.update(bytes, piece.size);
    } catch (const OperationError& e) {
      error_ = e.what();  // reported by md5_hex(); the queue keeps draining
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(piece.block);
      cv_.notify_all();
    }
    hashed += piece.size;
    if (hashed - flushed >= kFlushEvery) {
      // Bytes written after the last full block are left to the final fsync.
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
  finish();
  if (!error_.empty()) throw OperationError(FailureKind::kPermanent, what_ + ": " + error_);
  return digest_;
}

void Received::sync() {
  if (::fsync(fd_) != 0)
    throw OperationError(FailureKind::kPermanent, what_ + ": cannot fsync " + path_);
}

}  // namespace ferry::s3
