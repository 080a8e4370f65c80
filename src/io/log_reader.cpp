#include "ferry/io/log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "ferry/base/error.h"
#include "io/archive_input.h"
#include "io/gzip_stream.h"

namespace ferry::io {
namespace {

using detail::ArchivePtr;
using detail::error_of;
using detail::is_zip_magic;
using detail::Source;
using detail::Utf8Names;

// archive_read_data_block returning empty blocks this many times in a row is taken for a
// broken stream rather than waited on.
constexpr int kMaxEmptyBlocks = 1000;

[[noreturn]] void fail(const std::string& what) {
  throw OperationError(FailureKind::kPermanent, what);
}

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

struct ZipMember {
  std::string name;
  int64_t index;  // position among all entries, in libarchive's order
};

enum class Kind { kPlain, kGzip, kBzip2, kZip };

}  // namespace

struct LogReader::Impl {
  std::string path;
  Source src;
  Kind kind = Kind::kPlain;
  ArchivePtr a;
  std::unique_ptr<detail::GzipStream> gz;  // gzip goes to zlib, everything else to libarchive
  bool at_eof = false;                     // the single stream was empty (no header)
  std::vector<ZipMember> zip;              // regular members, sorted by name
  size_t next_zip = 0;                     // position in `zip` of the next member
  int64_t entry = -1;                      // index of the entry `a` stands at
  int members_started = 0;                 // for plain, gzip, bzip2
  bool finished = false;

  std::string name;
  bool in_member = false, member_end = false, first_block = true;
  const char* blk = nullptr;
  size_t blk_len = 0, blk_pos = 0;
  std::string line;  // a line that spans blocks, at most kMaxLine + 1 bytes
  bool overflow = false, cut = false;
  uint64_t lines = 0;

  [[noreturn]] void fail_here(const std::string& msg) const {
    std::string where = "reading " + path;
    if (in_member) where += ", member " + name;
    fail(where + ": " + msg);
  }

  void open_archive() {
    a.reset(archive_lib().read_new());
    if (!a) fail("reading " + path + ": out of memory");
    archive* p = a.get();
    archive_lib().read_support_filter_bzip2(p);
    archive_lib().read_support_format_zip_seekable(p);
    archive_lib().read_support_format_raw(p);
    archive_lib().read_support_format_empty(p);
    archive_lib().read_set_callback_data(p, &src);
    archive_lib().read_set_open_callback(p, Source::open_cb);
    archive_lib().read_set_read_callback(p, Source::read_cb);
    archive_lib().read_set_seek_callback(p, Source::seek_cb);
    archive_lib().read_set_skip_callback(p, Source::skip_cb);
    if (archive_lib().read_open1(p) != ARCHIVE_OK) fail_here(error_of(p));
    entry = -1;
  }

  // Reads the next entry header; false at the end of the archive.
  bool next_header(archive_entry*& e) {
    Utf8Names names;
    int r = archive_lib().read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) return false;
    if (r < ARCHIVE_WARN) fail_here(error_of(a.get()));
    ++entry;
    return true;
  }

  static std::string entry_name(archive_entry* e, int64_t index) {
    Utf8Names names;
    const char* n = archive_lib().entry_pathname(e);
    if (!n) n = archive_lib().entry_pathname_utf8(e);
    return n && *n ? n : "(member " + std::to_string(index + 1) + ")";
  }

  void detect() {
    char head[4] = {};
    ssize_t n = pread(src.fd, head, sizeof head, 0);
    bool zip_magic = n > 0 && is_zip_magic(head, static_cast<size_t>(n));
    if (n >= 2 && head[0] == '\x1f' && head[1] == '\x8b') {
      kind = Kind::kGzip;
      gz = std::make_unique<detail::GzipStream>(src.fd);
      return;
    }
    src.counting = false;
    name = single_name();  // errors before a ZIP is recognised name the one member of the rest
    in_member = true;
    open_archive();
    archive_entry* e = nullptr;
    at_eof = !next_header(e);
    in_member = false;
    if ((archive_lib().format(a.get()) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP) {
      kind = Kind::kZip;
      if (!at_eof) index_zip(e);
      return;
    }
    if (zip_magic && head[2] == 5) {  // an end record first: an empty ZIP
      kind = Kind::kZip;
      return;
    }
    if (zip_magic) fail_here("a damaged ZIP (its central directory cannot be read)");
    kind =
        archive_lib().filter_code(a.get(), 0) == ARCHIVE_FILTER_BZIP2 ? Kind::kBzip2 : Kind::kPlain;
    src.counting = true;
    src.read.add(0, src.pos);
  }

  // Lists the regular members (header `e` already read), sorted by name.
  void index_zip(archive_entry* e) {
    do {
      if (archive_lib().entry_filetype(e) == AE_IFREG) zip.push_back({entry_name(e, entry), entry});
    } while (next_header(e));
    std::stable_sort(zip.begin(), zip.end(),
                     [](const ZipMember& x, const ZipMember& y) { return x.name < y.name; });
    src.counting = true;
  }

  void start_member(std::string member_name) {
    name = std::move(member_name);
    in_member = true;
    member_end = false;
    first_block = true;
    blk = nullptr;
    blk_len = blk_pos = 0;
    line.clear();
    overflow = cut = false;
    lines = 0;
  }

  bool next_member() {
    if (finished) return false;
    if (kind != Kind::kZip) {
      if (members_started++ == 0) {
        start_member(single_name());
        member_end = at_eof;
        return true;
      }
    } else if (next_zip < zip.size()) {
      const ZipMember& m = zip[next_zip++];
      in_member = false;
      if (m.index <= entry) open_archive();
      archive_entry* e = nullptr;
      while (entry < m.index)
        if (!next_header(e)) fail_here("the ZIP changed while it was read");
      if (entry_name(e, entry) != m.name) fail_here("the ZIP changed while it was read");
      start_member(m.name);
      return true;
    }
    finished = true;
    in_member = false;
    src.read.add(0, src.size);
    return false;
  }

  std::string single_name() const {
    std::string n = base_name(path);
    if (ends_with(n, ".gz")) return n.substr(0, n.size() - 3);
    if (ends_with(n, ".bz2")) return n.substr(0, n.size() - 4);
    return n;
  }

  // Loads the member's next block of data into blk; false at its end.
  bool fetch() {
    if (!in_member || member_end) return false;
    if (gz) return fetch_gzip();
    for (int empty = 0; empty < kMaxEmptyBlocks; ++empty) {
      const void* data = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int r = archive_lib().read_data_block(a.get(), &data, &size, &offset);
      if (r == ARCHIVE_EOF) {
        member_end = true;
        return false;
      }
      if (r != ARCHIVE_OK) fail_here(error_of(a.get()));  // a bad CRC or size is a warning
      if (size == 0) continue;
      blk = static_cast<const char*>(data);
      blk_len = size;
      blk_pos = 0;
      if (first_block && kind != Kind::kZip && kind != Kind::kPlain && is_zip_magic(blk, size))
        fail_here("a ZIP inside gzip or bzip2 is not read");
      first_block = false;
      return true;
    }
    fail_here("the decompressor makes no progress");
  }

  bool fetch_gzip() {
    size_t size = 0;
    try {
      if (!gz->next(blk, size)) {
        member_end = true;
        return false;
      }
    } catch (const std::runtime_error& e) {
      fail_here(e.what());
    }
    blk_len = size;
    blk_pos = 0;
    if (first_block && is_zip_magic(blk, size)) fail_here("a ZIP inside gzip or bzip2 is not read");
    first_block = false;
    return true;
  }

  bool next_chunk(std::string_view& out) {
    if (blk_pos == blk_len && !fetch()) return false;
    out = std::string_view(blk + blk_pos, blk_len - blk_pos);
    blk_pos = blk_len;
    return true;
  }

  // Appends to `line` what fits (kMaxLine + 1 bytes: room for a '\r' before the newline).
  void keep(const char* p, size_t n) {
    size_t room = kMaxLine + 1 - std::min(line.size(), kMaxLine + 1);
    if (n > room) overflow = true;
    line.append(p, std::min(n, room));
  }

  // Finishes the line in `line` (newline seen, or the member's end).
  std::string_view finish_line(bool newline) {
    std::string_view v(line);
    if (newline && !overflow && !v.empty() && v.back() == '\r') v.remove_suffix(1);
    cut = overflow || v.size() > kMaxLine;
    if (cut) v = v.substr(0, kMaxLine);
    overflow = false;
    ++lines;
    return v;
  }

  bool next_line(std::string_view& out) {
    cut = false;
    line.clear();
    bool partial = false;
    for (;;) {
      if (blk_pos == blk_len && !fetch()) break;
      const char* start = blk + blk_pos;
      size_t avail = blk_len - blk_pos;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
      if (!nl) {
        keep(start, avail);
        partial = true;
        blk_pos = blk_len;
        continue;
      }
      size_t len = static_cast<size_t>(nl - start);
      blk_pos += len + 1;
      if (!partial && len <= kMaxLine + 1) {  // the whole line lies in this block
        std::string_view v(start, len);
        if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
        cut = v.size() > kMaxLine;
        out = cut ? v.substr(0, kMaxLine) : v;
        ++lines;
        return true;
      }
      keep(start, len);
      out = finish_line(true);
      return true;
    }
    if (!partial) return false;
    out = finish_line(false);
    return true;
  }
};

LogReader::LogReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) fail("reading " + path + ": " + std::strerror(errno));
  impl_->src.fd = fd;
  struct stat st {};
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    fail("reading " + path + ": " + std::strerror(err));
  }
  impl_->src.size = static_cast<uint64_t>(st.st_size);
  try {
    impl_->detect();
  } catch (...) {
    impl_->a.reset();
    ::close(fd);
    throw;
  }
}

LogReader::~LogReader() {
  impl_->a.reset();
  ::close(impl_->src.fd);
}

bool LogReader::next_member() {
  return impl_->next_member();
}
const std::string& LogReader::member_name() const {
  return impl_->name;
}
bool LogReader::next_line(std::string_view& line) {
  return impl_->next_line(line);
}
bool LogReader::line_cut() const {
  return impl_->cut;
}
bool LogReader::next_chunk(std::string_view& chunk) {
  return impl_->next_chunk(chunk);
}
uint64_t LogReader::line_number() const {
  return impl_->lines;
}
uint64_t LogReader::compressed_bytes() const {
  if (impl_->finished) return impl_->src.size;
  uint64_t n = impl_->gz ? impl_->gz->bytes_read() : impl_->src.read.total();
  return std::min(n, impl_->src.size);
}
uint64_t LogReader::file_size() const {
  return impl_->src.size;
}

const char* LogReader::kind() const {
  switch (impl_->kind) {
    case Kind::kGzip:
      return "gzip";
    case Kind::kBzip2:
      return "bzip2";
    case Kind::kZip:
      return "zip";
    case Kind::kPlain:
      break;
  }
  return "plain";
}

}  // namespace ferry::io
