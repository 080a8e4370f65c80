// Writing a ZIP as a stream: members are deflated as their bytes come, nothing is held whole in
// memory, and the ZIP appears at its path only when complete (an AtomicFile: temp file in the
// same directory, fsync, rename, directory fsync).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ferry/io/env.h"

namespace ferry::io {

// Writes a ZIP to `path` through a temp file, fsynced and renamed by finish() (nothing at
// `path` if finish() is not reached). Members are added streamed: deflated, with their sizes
// (unknown ahead) in a Zip64 data descriptor after each and in the central directory, so a
// member may exceed 4 GiB; named exactly as given (UTF-8), dated now. Info-ZIP's unzip,
// Python's zipfile and libarchive read them.
// Not thread-safe. Every failure (file system, libarchive) is an OperationError(kPermanent)
// naming the path; after one, the writer can only be destroyed.
class ZipWriter {
 public:
  // Creates missing parent directories and the temp file. `env` must outlive the writer.
  // Throws OperationError.
  explicit ZipWriter(const std::string& path, Env& env = Env::posix());
  ~ZipWriter();  // abandons (removes the temp file) unless finished
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Starts a member (a regular file). Precondition: no member open, finish() not called,
  // `name` not empty. Every call with its precondition broken (or after a failure) throws
  // std::logic_error. Throws OperationError.
  void begin_member(const std::string& name);
  // Appends to the open member. Precondition: a member is open. Throws OperationError.
  void write(std::string_view data);
  // Ends the open member. Precondition: a member is open. Throws OperationError.
  void end_member();
  // Writes the central directory, fsyncs and renames the temp file to `path`, fsyncs the
  // directory. Precondition: no member open; call once. Throws OperationError.
  void finish();

  // Bytes of ZIP written to the temp file so far (the whole ZIP's size after finish()).
  uint64_t bytes_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::io
