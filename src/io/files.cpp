#include "ferry/io/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ferry/base/error.h"

namespace fs = std::filesystem;

namespace ferry::io {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw OperationError(FailureKind::kPermanent, what + " " + path + ": " + std::strerror(errno));
}

std::string parent_of(const std::string& path) {
  auto p = fs::path(path).parent_path();
  return p.empty() ? "." : p.string();
}

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write", path);
    data.remove_prefix(static_cast<size_t>(n));
  }
}

std::string temp_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  auto p = fs::path(path);
  return (p.parent_path() / ("." + p.filename().string() + ".tmp." + std::to_string(getpid()) +
                             "." + std::to_string(counter++)))
      .string();
}

}  // namespace

void sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) fail("cannot open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail("cannot fsync directory", dir);
}

void make_dirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw OperationError(FailureKind::kPermanent,
                         "cannot create directory " + dir + ": " + ec.message());
  }
}

int64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_size);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file_atomic(const std::string& path, std::string_view data) {
  AtomicFile f(path);
  f.write(data);
  f.commit();
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), temp_(temp_name(path_)) {
  make_dirs(parent_of(path_));
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create", temp_);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view data) {
  write_all(fd_, data, temp_);
  bytes_ += data.size();
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) fail("cannot fsync", temp_);
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("cannot rename into", path_);
  committed_ = true;
  sync_directory(parent_of(path_));
}

AppendFile::AppendFile(std::string path) : path_(std::move(path)) {
  make_dirs(parent_of(path_));
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot open", path_);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("cannot stat", path_);
  size_ = static_cast<uint64_t>(st.st_size);
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(std::string_view data) {
  write_all(fd_, data, path_);
  size_ += data.size();
}

void AppendFile::sync() {
  if (::fsync(fd_) != 0) fail("cannot fsync", path_);
  if (!dir_synced_) {
    sync_directory(parent_of(path_));
    dir_synced_ = true;
  }
}

void AppendFile::truncate_to(uint64_t size) {
  if (size > size_) {
    throw OperationError(FailureKind::kPermanent,
                         "cannot truncate " + path_ + " to " + std::to_string(size) +
                             " bytes: it holds only " + std::to_string(size_));
  }
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) fail("cannot truncate", path_);
  size_ = size;
}

}  // namespace ferry::io
