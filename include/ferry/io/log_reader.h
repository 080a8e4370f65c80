// Reading log files as they arrive: plain text, gzip, bzip2 or ZIP, told apart by their bytes
// (never by their names), decompressed as a stream, never extracted to disk. bzip2 and ZIP go
// through libarchive; gzip through zlib, because libarchive does not check a gzip member's CRC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ferry::io {

// Reads a plain, .gz, .bz2 or .zip file as a sequence of members and each member as lines.
//
// Members: a plain, gzip or bzip2 file is one member, named after the file without its
// directory and without a final ".gz" or ".bz2" (an empty file or an empty stream is one empty
// member). A ZIP has one member per regular file in it (directories and links are skipped),
// taken in the byte order of their names, whatever their order in the ZIP; its members are
// named as stored (one stored without a name or with one that cannot be read is named
// "(member N)", N its position in the ZIP from 1). A gzip- or bzip2-compressed ZIP is not
// read (OperationError).
//
// Memory does not depend on the size of the file or of a member: a line longer than
// kMaxLine bytes is returned cut to kMaxLine bytes, with line_cut() set, and the rest of it
// is skipped. ZIP members out of name order cost one reopening of the ZIP each (its central
// directory is read again), so reading is quickest when stored order is name order.
//
// Errors: a file that cannot be opened or read, a damaged or truncated gzip/bzip2 stream or
// ZIP, an encrypted or unsupported ZIP member: OperationError(kPermanent) naming the file and,
// when one is being read, the member. Not thread-safe; one reader per thread.
class LogReader {
 public:
  static constexpr size_t kMaxLine = size_t{1} << 20;  // 1 MiB

  // Opens `path` and detects its kind. Throws OperationError.
  explicit LogReader(const std::string& path);
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Moves to the next member (the first one on the first call); false when none is left.
  // What was left unread of the current member is skipped. Throws OperationError.
  bool next_member();
  // The current member's name. Precondition: next_member() returned true.
  const std::string& member_name() const;

  // The next line of the current member, without its "\n" or "\r\n" (a last line without a
  // newline counts); false at the member's end. The view is valid until the next call on this
  // reader. Precondition: next_member() returned true. Throws OperationError.
  bool next_line(std::string_view& line);
  // Whether the line last returned by next_line() was longer than kMaxLine and was cut.
  bool line_cut() const;

  // The next raw (decompressed) bytes of the current member, in pieces of any size; false at
  // its end. Valid until the next call. Do not mix with next_line() in one member.
  // Precondition: next_member() returned true. Throws OperationError.
  bool next_chunk(std::string_view& chunk);

  // Lines returned so far by next_line() in the current member.
  uint64_t line_number() const;
  // Bytes of the file read so far (each byte counted once, read-ahead included); the file's
  // size once next_member() has returned false. For progress and statistics.
  uint64_t compressed_bytes() const;
  // The file's size in bytes, as found when it was opened.
  uint64_t file_size() const;
  // "plain", "gzip", "bzip2" or "zip".
  const char* kind() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::io
