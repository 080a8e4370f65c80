// A download's bytes as they arrive (net::HttpRequest::on_body): counted at once, copied into
// blocks of 1 MiB that a second thread hashes (MD5); every 16 MiB that thread also starts
// writing the file's pages to disk, so that checking and fsyncing the download afterwards costs
// little beyond the transfer and the hashing does not slow the receiving thread. The blocks are
// allocated once and reused: at most 8 of them (8 MiB) wait for the hasher, and the receiving
// thread waits when they do. Internal to the S3 client.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ferry/crypto/hash.h"

namespace ferry::s3 {

class Received {
 public:
  // Opens `path` (the file the transfer writes; it must exist) and starts the hasher. `what`
  // starts error messages (`s3 GET s3://b/k`). Throws OperationError(kPermanent).
  Received(const std::string& path, std::string what);
  ~Received();
  Received(const Received&) = delete;
  Received& operator=(const Received&) = delete;

  // The on_body hook: (nullptr, 0) starts over (a retried exchange), else `size` more bytes.
  // Called from one thread at a time.
  void add(const char* data, size_t size);
  // Bytes since the last start.
  uint64_t bytes() const { return bytes_; }
  // Waits for the hasher and returns the MD5 (hex) of the bytes since the last start. Call
  // once, after the transfer. Throws OperationError(kPermanent) when hashing failed.
  std::string md5_hex();
  // fsyncs the file. Throws OperationError(kPermanent).
  void sync();

 private:
  // What the receiving thread hands the hasher: a full (or last) block, a restart or the end.
  struct Piece {
    enum class Kind { kBytes, kRestart, kEnd } kind = Kind::kBytes;
    size_t block = 0;  // index into blocks_, for kBytes
    size_t size = 0;
  };
  void push(Piece piece);
  // Hands the block being filled, if any, to the hasher.
  void hand_over();
  // Waits for a free block and makes it the one being filled.
  void take_block();
  // Ends the hasher (once) and waits for it.
  void finish();
  void run();

  std::string path_;
  std::string what_;
  int fd_ = -1;
  uint64_t bytes_ = 0;                           // the receiving thread's count
  std::vector<std::unique_ptr<char[]>> blocks_;  // allocated as first needed, then reused
  bool filling_ = false;                         // the receiving thread holds blocks_[fill_block_]
  size_t fill_block_ = 0;
  size_t fill_size_ = 0;
  std::mutex mu_;  // guards queue_ and free_
  std::condition_variable cv_;
  std::deque<Piece> queue_;
  std::vector<size_t> free_;  // blocks neither being filled nor queued
  crypto::Md5 md5_;           // the hasher's, read after it ended
  std::string digest_;
  std::string error_;  // the hasher's; read after it ended
  std::thread hasher_;
};

}  // namespace ferry::s3
