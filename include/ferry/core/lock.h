// The run lock: a non-blocking flock on state/ferry.lock, held for the life of the object.
#pragma once

#include <memory>
#include <string>

namespace ferry::core {

class RunLock {
 public:
  // nullptr when another process holds the lock. Throws OperationError when the lock file
  // cannot be created. The holder's pid is written into the file for `ferry status`.
  static std::unique_ptr<RunLock> try_acquire(const std::string& path);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // The pid written by the current holder, or 0.
  static long holder_pid(const std::string& path);

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ferry::core
