// Durable file writes. Every output ferry produces goes through here, on top of an Env (the
// real file system unless a test passes another): written to a temp file in the same
// directory, fsynced, renamed over the final name, and the directory fsynced, so a reader (or a
// crash) never sees a partial file. Every failure is an OperationError(kPermanent) naming the
// path and the system error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/io/env.h"

namespace ferry::io {

// Writes `data` to `path` atomically. Creates missing parent directories. Throws OperationError.
void write_file_atomic(const std::string& path, std::string_view data, Env& env = Env::posix());

// A file being written under a temp name that becomes `path` only on commit(). The temp is
// `.<name>.tmp.<pid>.<n>` beside `path` (see remove_stale_temps). Destroying it uncommitted
// removes the temp file. `env` must outlive it.
class AtomicFile {
 public:
  // Creates missing parent directories and the temp file. Throws OperationError.
  explicit AtomicFile(std::string path, Env& env = Env::posix());
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);  // throws OperationError on a short write
  // Cuts what was written back to `size` bytes (at most bytes_written()). Throws OperationError.
  void truncate_to(uint64_t size);
  // fsync, rename to the final path, fsync the directory. Call once. Throws OperationError.
  void commit();
  uint64_t bytes_written() const { return bytes_; }
  const std::string& temp_path() const { return temp_; }

 private:
  Env& env_;
  std::string path_;
  std::string temp_;
  std::unique_ptr<WritableFile> file_;
  uint64_t bytes_ = 0;
  bool committed_ = false;
};

// A file appended to in place. Every append() is followed by sync() before the caller relies on
// the bytes; truncate_to() cuts it back. `env` must outlive it.
class AppendFile {
 public:
  // Opens (creating, with parent directories) for appending. Throws OperationError.
  explicit AppendFile(std::string path, Env& env = Env::posix());
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(std::string_view data);  // throws OperationError
  // fsyncs the file and, the first time, its directory. Throws OperationError.
  void sync();
  // Cuts the file to `size` bytes (at most size()). Throws OperationError.
  void truncate_to(uint64_t size);
  uint64_t size() const { return file_->size(); }
  const std::string& path() const { return path_; }

 private:
  Env& env_;
  std::string path_;
  std::unique_ptr<WritableFile> file_;
  bool dir_synced_ = false;
};

// A file appended to in checkpointed steps (a partial job file, a daily CSV): the caller
// appends, calls sync(), and only then records size() in its state as committed. Opening it
// with the size last recorded cuts off what a process that died between its append and its
// record left beyond it, so that nothing is written twice. `env` must outlive it.
class CheckpointedAppendFile {
 public:
  // Opens `path` for appending, creating it (and its parent directories) when missing. When it
  // holds more than `committed` bytes the excess is cut off and the cut fsynced; when it holds
  // fewer (lost or edited by hand) it is left as it is and short_of_committed() says so.
  // Throws OperationError.
  CheckpointedAppendFile(std::string path, uint64_t committed, Env& env = Env::posix());

  // Whether the file held fewer bytes than committed when opened (nothing was cut).
  bool short_of_committed() const { return short_; }
  // Bytes cut off when it was opened.
  uint64_t cut_bytes() const { return cut_; }
  // Empties the file, to start over. Throws OperationError.
  void restart();
  void append(std::string_view data);  // throws OperationError
  // Cuts what was appended since the last sync() back to `size` bytes (at least the size
  // synced, at most size()). Throws OperationError.
  void truncate_to(uint64_t size);
  // Makes everything appended durable; returns the size the caller may now record as
  // committed. Throws OperationError.
  uint64_t sync();
  uint64_t size() const { return file_.size(); }
  const std::string& path() const { return file_.path(); }

 private:
  AppendFile file_;
  bool short_ = false;
  uint64_t cut_ = 0;
};

// Removes, from `dir` (not below), the temp files of AtomicFile (`.<name>.tmp.<pid>.<n>`)
// that a killed process left, only those whose final name starts with `name_prefix` ("" = all).
// Call only while no other process writes in `dir` (under the run lock). A missing `dir`
// removes nothing. Returns the paths removed. Throws OperationError when `dir` cannot be listed
// or a temp cannot be removed.
std::vector<std::string> remove_stale_temps(Env& env, const std::string& dir,
                                            const std::string& name_prefix = "");

// Whether `name` (a file name, no directory) is an AtomicFile temp name.
bool is_temp_name(const std::string& name);

// fsyncs a directory so a rename or create in it is durable. Throws OperationError.
void sync_directory(const std::string& dir, Env& env = Env::posix());

// Creates `dir` and its parents. Throws OperationError naming the dir.
void make_dirs(const std::string& dir);

// Checks that files can be written in `dir` (created when missing): writes 4 KiB to a temp
// file there (an AtomicFile temp, so remove_stale_temps removes one a killed process left) and
// removes it. Throws OperationError naming the path and the system error (permission denied, a
// read-only file system, no space left, not a directory, ...).
void check_writable_dir(Env& env, const std::string& dir);

// Size of a file, or -1 when it does not exist.
int64_t file_size(const std::string& path);

// Reads a whole file. Throws OperationError naming the path.
std::string read_file(const std::string& path);

}  // namespace ferry::io
