// libarchive input for LogReader: the file as libarchive reads it (through its own descriptor,
// so that a ZIP can be reopened, counting the bytes read), and small libarchive helpers.
#pragma once

#include <locale.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/archive_lib.h"

namespace ferry::io::detail {

constexpr size_t kReadBlock = 64 * 1024;

// The file's byte ranges read so far, merged; total() counts each byte once.
class RangeSet {
 public:
  void add(uint64_t begin, uint64_t end) {
    if (begin >= end) return;
    auto it = ranges_.upper_bound(begin);
    if (it != ranges_.begin() && std::prev(it)->second >= begin) --it;
    while (it != ranges_.end() && it->first <= end) {
      begin = std::min(begin, it->first);
      end = std::max(end, it->second);
      total_ -= it->second - it->first;
      it = ranges_.erase(it);
    }
    ranges_.emplace(begin, end);
    total_ += end - begin;
  }
  uint64_t total() const { return total_; }

 private:
  std::map<uint64_t, uint64_t> ranges_;
  uint64_t total_ = 0;
};

// The open file under libarchive: reads, seeks and skips through its own descriptor, so that the
// ZIP can be reopened, and records which bytes were read.
struct Source {
  int fd = -1;
  uint64_t size = 0;
  uint64_t pos = 0;
  bool counting = true;
  RangeSet read;
  std::vector<char> buf = std::vector<char>(kReadBlock);

  static int open_cb(archive*, void* self) {
    static_cast<Source*>(self)->pos = 0;
    return lseek(static_cast<Source*>(self)->fd, 0, SEEK_SET) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK;
  }
  static la_ssize_t read_cb(archive* a, void* self, const void** out) {
    auto* s = static_cast<Source*>(self);
    ssize_t n;
    do {
      n = ::read(s->fd, s->buf.data(), s->buf.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      archive_lib().set_error(a, errno, "read: %s", std::strerror(errno));
      return -1;
    }
    if (s->counting) s->read.add(s->pos, s->pos + static_cast<uint64_t>(n));
    s->pos += static_cast<uint64_t>(n);
    *out = s->buf.data();
    return n;
  }
  static la_int64_t seek_cb(archive*, void* self, la_int64_t offset, int whence) {
    auto* s = static_cast<Source*>(self);
    off_t r = lseek(s->fd, static_cast<off_t>(offset), whence);
    if (r < 0) return ARCHIVE_FATAL;
    s->pos = static_cast<uint64_t>(r);
    return r;
  }
  static la_int64_t skip_cb(archive*, void* self, la_int64_t request) {
    auto* s = static_cast<Source*>(self);
    la_int64_t room = static_cast<la_int64_t>(s->size > s->pos ? s->size - s->pos : 0);
    la_int64_t n = std::min(request, room);
    if (n <= 0 || lseek(s->fd, static_cast<off_t>(n), SEEK_CUR) < 0) return 0;
    s->pos += static_cast<uint64_t>(n);
    return n;
  }
};

struct ArchiveFree {
  void operator()(archive* a) const { archive_lib().read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

inline std::string error_of(archive* a) {
  const char* e = archive_lib().error_string(a);
  return e && *e ? e : "unreadable or damaged data";
}

inline bool is_zip_magic(const char* p, size_t n) {
  return n >= 4 && p[0] == 'P' && p[1] == 'K' &&
         ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) || (p[2] == 7 && p[3] == 8));
}

// libarchive converts entry names to the current locale's charset; under the "C" locale a
// UTF-8 name cannot be converted and is lost. While one lives, this thread runs in C.UTF-8
// (character type only), so names come through as they are stored.
class Utf8Names {
 public:
  Utf8Names() {
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    if (utf8) old_ = uselocale(utf8);
  }
  ~Utf8Names() {
    if (old_) uselocale(old_);
  }
  Utf8Names(const Utf8Names&) = delete;
  Utf8Names& operator=(const Utf8Names&) = delete;

 private:
  locale_t old_ = locale_t{};
};
}  // namespace ferry::io::detail
