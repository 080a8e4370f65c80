#include "ferry/io/zip_writer.h"

#include <ctime>
#include <exception>
#include <stdexcept>

#include "ferry/base/error.h"
#include "ferry/io/files.h"
#include "io/archive_lib.h"

namespace ferry::io {
namespace {

constexpr int kBlock = 64 * 1024;

struct WriteFree {
  void operator()(archive* a) const { archive_lib().write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_lib().entry_free(e); }
};

}  // namespace

struct ZipWriter::Impl {
  std::string path;
  AtomicFile file;
  std::unique_ptr<archive, WriteFree> a;
  std::exception_ptr error;  // what a write callback caught, rethrown by check()
  bool broken = false, in_member = false, finished = false, discard = false;
  std::string member;

  Impl(const std::string& p, Env& env) : path(p), file(p, env) {}

  // libarchive's output: into the temp file. Exceptions stay on this side of the C code.
  static la_ssize_t write_cb(archive*, void* self, const void* buf, size_t n) {
    auto* w = static_cast<Impl*>(self);
    if (w->discard) return static_cast<la_ssize_t>(n);
    try {
      w->file.write(std::string_view(static_cast<const char*>(buf), n));
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      w->error = std::current_exception();
      return -1;
    }
  }

  // After a libarchive call: throws what went wrong, and marks the writer unusable.
  void check(int r, const char* what) {
    if (r >= ARCHIVE_OK && !error) return;
    broken = true;
    if (error) std::rethrow_exception(error);
    const char* msg = archive_lib().error_string(a.get());
    std::string where = "writing ZIP " + path;
    if (in_member) where += ", member " + member;
    throw OperationError(FailureKind::kPermanent,
                         where + ": " + what + ": " + (msg && *msg ? msg : "libarchive failed"));
  }

  void require(bool ok, const char* what) const {
    if (!ok) throw std::logic_error(std::string("ZipWriter: ") + what + " (" + path + ")");
  }

  void open() {
    a.reset(archive_lib().write_new());
    if (!a)
      throw OperationError(FailureKind::kPermanent, "writing ZIP " + path + ": out of memory");
    archive* p = a.get();
    check(archive_lib().write_set_format_zip(p), "set format");
    check(archive_lib().write_zip_set_compression_deflate(p), "set deflate");
    check(archive_lib().write_set_options(p, "zip:hdrcharset=UTF-8"), "set options");
    check(archive_lib().write_set_bytes_per_block(p, kBlock), "set block size");
    check(archive_lib().write_set_bytes_in_last_block(p, 1), "set last block");
    check(archive_lib().write_open2(p, this, nullptr, write_cb, nullptr, nullptr), "open");
  }
};

ZipWriter::ZipWriter(const std::string& path, Env& env) : impl_(std::make_unique<Impl>(path, env)) {
  impl_->open();
}

ZipWriter::~ZipWriter() {
  if (impl_->finished) return;
  // Freeing an open archive writes its end; into nothing: the temp file goes with the AtomicFile.
  impl_->discard = true;
  impl_->a.reset();
}

void ZipWriter::begin_member(const std::string& name) {
  Impl& w = *impl_;
  w.require(!w.broken && !w.finished && !w.in_member && !name.empty(),
            "begin_member with a member open, after finish or a failure, or without a name");
  std::unique_ptr<archive_entry, EntryFree> e(archive_lib().entry_new());
  if (!e)
    throw OperationError(FailureKind::kPermanent, "writing ZIP " + w.path + ": out of memory");
  archive_lib().entry_set_pathname_utf8(e.get(), name.c_str());
  archive_lib().entry_set_filetype(e.get(), AE_IFREG);
  archive_lib().entry_set_perm(e.get(), 0644);
  archive_lib().entry_set_mtime(e.get(), std::time(nullptr), 0);
  archive_lib().entry_unset_size(e.get());
  w.member = name;
  w.in_member = true;
  w.check(archive_lib().write_header(w.a.get(), e.get()), "member header");
}

void ZipWriter::write(std::string_view data) {
  Impl& w = *impl_;
  w.require(!w.broken && w.in_member, "write without an open member");
  while (!data.empty()) {
    la_ssize_t n = archive_lib().write_data(w.a.get(), data.data(), data.size());
    if (n <= 0) w.check(ARCHIVE_FATAL, "member data");
    w.check(ARCHIVE_OK, "member data");
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void ZipWriter::end_member() {
  Impl& w = *impl_;
  w.require(!w.broken && w.in_member, "end_member without an open member");
  w.check(archive_lib().write_finish_entry(w.a.get()), "member end");
  w.in_member = false;
}

void ZipWriter::finish() {
  Impl& w = *impl_;
  w.require(!w.broken && !w.in_member && !w.finished, "finish with a member open, or twice");
  w.check(archive_lib().write_close(w.a.get()), "central directory");
  w.broken = true;  // whatever happens next, nothing more is written
  w.file.commit();
  w.finished = true;
}

uint64_t ZipWriter::bytes_written() const {
  return impl_->file.bytes_written();
}

}  // namespace ferry::io
