// A download's bytes as they arrive (net::HttpRequest::on_body): counted at once, copied to a
// second thread that hashes them (MD5) and, every 16 MiB, starts writing the file's pages to
// disk, so that checking and fsyncing the download afterwards costs little beyond the transfer
// and the hashing does not slow the receiving thread. At most 8 MiB of copies wait for the
// hasher; the receiving thread waits when they do. Internal to the S3 client.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

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
  struct Piece {
    bool restart = false;
    bool end = false;
    std::string bytes;
  };
  void push(Piece piece);
  void run();

  std::string path_;
  std::string what_;
  int fd_ = -1;
  uint64_t bytes_ = 0;  // the receiving thread's count
  std::mutex mu_;       // guards the queue
  std::condition_variable cv_;
  std::deque<Piece> queue_;
  size_t queued_ = 0;
  bool ended_ = false;
  crypto::Md5 md5_;  // the hasher's, read after it ended
  std::string digest_;
  std::string error_;  // the hasher's; read after it ended
  std::thread hasher_;
};

}  // namespace ferry::s3
