#include "io/archive_lib.h"

#include <memory>
#include <mutex>
#include <string>

#include "ferry/base/error.h"
#include "ferry/base/shared_library.h"

namespace ferry::io {
namespace {

struct Loaded {
  ArchiveLib lib{};
  std::string error;                  // empty when lib is usable
  std::unique_ptr<SharedLibrary> so;  // kept for the life of the process
};

// Never throws (but for std::bad_alloc): failures are reported in Loaded::error.
Loaded load() {
  Loaded out;
  out.so = std::make_unique<SharedLibrary>("libarchive.so.13", "libarchive13");
  bool ok = true;
#define FERRY_ARCHIVE_RESOLVE(name) ok = ok && out.so->resolve("archive_" #name, out.lib.name);
  FERRY_ARCHIVE_FUNCTIONS(FERRY_ARCHIVE_RESOLVE)
#undef FERRY_ARCHIVE_RESOLVE
  if (!ok) {
    out.lib = ArchiveLib{};
    out.error = out.so->error();
  }
  return out;
}

}  // namespace

const ArchiveLib& archive_lib() {
  static std::once_flag once;
  static const Loaded* loaded = nullptr;  // never freed, as the library is never unloaded
  std::call_once(once, [] { loaded = new Loaded(load()); });
  if (!loaded->error.empty()) throw OperationError(FailureKind::kPermanent, loaded->error);
  return loaded->lib;
}

}  // namespace ferry::io
