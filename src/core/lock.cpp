#include "ferry/core/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "ferry/base/error.h"

namespace ferry::core {

std::unique_ptr<RunLock> RunLock::try_acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    throw OperationError(FailureKind::kPermanent,
                         "cannot open lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return nullptr;
    throw OperationError(FailureKind::kPermanent,
                         "cannot lock " + path + ": " + std::strerror(err));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
    (void)n;
  }
  return std::unique_ptr<RunLock>(new RunLock(fd));
}

RunLock::~RunLock() {
  if (::ftruncate(fd_, 0) != 0) {
    // The pid left behind is harmless: holder_pid() is only shown while the lock is held.
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

long RunLock::holder_pid(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  in >> pid;
  return pid;
}

}  // namespace ferry::core
