// Follows a file while another writer (the HTTP client) appends to it: hashes the new bytes
// (MD5) and starts their writeback, so that checking and fsyncing a download afterwards costs
// little beyond the transfer itself. Internal to the S3 client.
//
// Only bytes below the file's current size are read; a write extends the size only after its
// bytes are in place. A file that shrinks (the writer started over) is hashed again from the
// start; a writer that starts over and outgrows the hashed length between two polls is not
// noticed, so callers re-hash when the transfer was retried.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ferry/crypto/hash.h"

namespace ferry::s3 {

class FileFollower {
 public:
  // Opens `path` (which must exist) and starts the follower thread. Throws OperationError.
  explicit FileFollower(const std::string& path);
  ~FileFollower();
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  struct Result {
    uint64_t size = 0;
    std::string md5_hex;
  };
  // Stops the thread, hashes whatever remains and returns the whole file's size and MD5.
  // Call once, after the writer has closed the file. Throws OperationError on read errors.
  Result finish();

 private:
  void run();
  // Hashes from `hashed_` to the current end; returns false when there was nothing new.
  bool catch_up();

  std::string path_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;  // guards the fields below between the thread and finish()
  crypto::Md5 md5_;
  uint64_t hashed_ = 0;
  uint64_t flushed_ = 0;
  std::string error_;
  std::vector<char> buffer_;
};

}  // namespace ferry::s3
