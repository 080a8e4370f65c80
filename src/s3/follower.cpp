#include "s3/follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "ferry/base/error.h"

namespace ferry::s3 {
namespace {

constexpr size_t kBlock = 1 << 20;
constexpr uint64_t kFlushEvery = 16 << 20;

}  // namespace

FileFollower::FileFollower(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw OperationError(FailureKind::kPermanent,
                         "cannot open " + path + ": " + std::strerror(errno));
  thread_ = std::thread([this] { run(); });
}

FileFollower::~FileFollower() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

bool FileFollower::catch_up() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_.empty()) return false;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    error_ = std::strerror(errno);
    return false;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size < hashed_) {  // the writer started over
    md5_.reset();
    hashed_ = flushed_ = 0;
  }
  if (size == hashed_) return false;
  buffer_.resize(kBlock);
  while (hashed_ < size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kBlock, size - hashed_));
    ssize_t n = ::pread(fd_, buffer_.data(), want, static_cast<off_t>(hashed_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? std::strerror(errno) : "file ended early";
      return false;
    }
    md5_.update(buffer_.data(), static_cast<size_t>(n));
    hashed_ += static_cast<uint64_t>(n);
  }
  if (hashed_ - flushed_ >= kFlushEvery) {
    // Start writing these pages to disk now, so the final fsync has little left to do.
    ::sync_file_range(fd_, static_cast<off_t>(flushed_), static_cast<off_t>(hashed_ - flushed_),
                      SYNC_FILE_RANGE_WRITE);
    flushed_ = hashed_;
  }
  return true;
}

void FileFollower::run() {
  while (!stop_) {
    if (!catch_up()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

FileFollower::Result FileFollower::finish() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  while (catch_up()) {
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_.empty())
    throw OperationError(FailureKind::kPermanent, "cannot read " + path_ + ": " + error_);
  return {hashed_, crypto::hex_encode(md5_.finish())};
}

}  // namespace ferry::s3
