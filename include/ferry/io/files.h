// Durable file writes. Every output ferry produces goes through here: written to a temp file
// in the same directory, fsynced, renamed over the final name, and the directory fsynced, so a
// reader (or a crash) never sees a partial file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::io {

// Writes `data` to `path` atomically. Creates missing parent directories. Throws
// OperationError(kPermanent) naming the path and the system error.
void write_file_atomic(const std::string& path, std::string_view data);

// A file being written under a temp name that becomes `path` only on commit().
// Destroying it uncommitted removes the temp file.
class AtomicFile {
 public:
  // Throws OperationError naming `path` when the temp file cannot be created.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);  // throws OperationError on a short write
  // fsync, rename to the final path, fsync the directory. Throws OperationError.
  void commit();
  uint64_t bytes_written() const { return bytes_; }
  const std::string& temp_path() const { return temp_; }

 private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  uint64_t bytes_ = 0;
  bool committed_ = false;
};

// A file appended to in place (daily CSVs, partial job files). Every append() is followed by
// sync() before the caller records the new size in state; truncate_to() cuts the file back to
// the last size recorded, so a crash between writing and recording duplicates nothing.
class AppendFile {
 public:
  // Opens (creating, with parent directories) for appending. Throws OperationError.
  explicit AppendFile(std::string path);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(std::string_view data);  // throws OperationError
  void sync();                         // fsync the file (and, the first time, its directory)
  void truncate_to(uint64_t size);     // throws OperationError
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  bool dir_synced_ = false;
};

// fsyncs a directory so a rename or create in it is durable. Throws OperationError.
void sync_directory(const std::string& dir);

// Creates `dir` and its parents. Throws OperationError naming the dir.
void make_dirs(const std::string& dir);

// Size of a file, or -1 when it does not exist.
int64_t file_size(const std::string& path);

// Reads a whole file. Throws OperationError naming the path.
std::string read_file(const std::string& path);

}  // namespace ferry::io
