// The file-system seam. Every durable file operation ferry does (outputs, partial job files,
// daily CSVs, raw backups) goes through an Env, so that a test can put a fault-injecting Env in
// its place and "crash" the process at any durable step (see test/support/fault_env.h).
//
// Env::posix() is the real file system. Every failure is thrown as
// OperationError(kPermanent) whose message names the operation, the path and the system error.
// Neither an Env nor a WritableFile is safe to use from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::io {

// A file open for writing, obtained from an Env. Writes go to its end. Destroying it closes it
// (never throws; nothing is synced by closing).
class WritableFile {
 public:
  virtual ~WritableFile() = default;

  // Appends `data` at the end. Throws OperationError on a short write.
  virtual void append(std::string_view data) = 0;
  // fsync: once it returns, every byte appended so far survives a crash. Throws OperationError.
  virtual void sync() = 0;
  // Cuts the file to `size` bytes. Precondition: size <= size(). Throws OperationError.
  virtual void truncate(uint64_t size) = 0;
  // Bytes in the file, as this handle found, grew or cut it.
  virtual uint64_t size() const = 0;
  // The path the file was opened under.
  virtual const std::string& path() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The real file system (POSIX calls); one instance that lives as long as the process.
  static Env& posix();

  // Creates `path` (emptying it when it exists) and opens it for writing. The parent directory
  // must exist. Throws OperationError.
  virtual std::unique_ptr<WritableFile> new_file(const std::string& path) = 0;
  // Opens `path` for appending at its end, creating it empty when missing. The parent directory
  // must exist. Throws OperationError.
  virtual std::unique_ptr<WritableFile> open_append(const std::string& path) = 0;
  // Renames `from` to `to`, replacing `to`. Durable only once `to`'s directory is synced.
  // Throws OperationError.
  virtual void rename(const std::string& from, const std::string& to) = 0;
  // fsyncs a directory, so that names created or renamed into it survive a crash.
  // Throws OperationError.
  virtual void sync_dir(const std::string& dir) = 0;
  // Removes the file `path`. Returns false when it did not exist. Throws OperationError.
  virtual bool remove(const std::string& path) = 0;
  // Size of the file `path` in bytes, or -1 when it does not exist.
  virtual int64_t file_size(const std::string& path) = 0;
  // The whole content of `path`. Throws OperationError (a missing file included).
  virtual std::string read_file(const std::string& path) = 0;
  // Names of the entries of `dir` (not `.` and `..`), sorted; empty when `dir` does not exist.
  // Throws OperationError when it exists but cannot be read.
  virtual std::vector<std::string> list_dir(const std::string& dir) = 0;
  // Creates `dir` and its missing parents (nothing when it exists). Throws OperationError.
  virtual void make_dirs(const std::string& dir) = 0;
};

// The directory part of `path` ("." when it has none).
std::string parent_dir(const std::string& path);

}  // namespace ferry::io
