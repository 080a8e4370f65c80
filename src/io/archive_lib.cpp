#include "io/archive_lib.h"

#include <mutex>
#include <string>

#include "ferry/base/error.h"
#include "ferry/base/shared_library.h"

namespace ferry::io {
namespace {

struct Loaded {
  ArchiveLib lib{};
  std::string error;  // empty when lib is usable
};

// Never throws (but for std::bad_alloc): failures are reported in Loaded::error.
Loaded load() {
  Loaded out;
  // Leaked on purpose: the library stays loaded until the process exits.
  auto* so = new SharedLibrary("libarchive.so.13", "libarchive13");
  bool ok = true;
#define FERRY_ARCHIVE_RESOLVE(name) ok = ok && so->resolve("archive_" #name, out.lib.name);
  FERRY_ARCHIVE_FUNCTIONS(FERRY_ARCHIVE_RESOLVE)
#undef FERRY_ARCHIVE_RESOLVE
  if (!ok) {
    out.lib = ArchiveLib{};
    out.error = so->error();
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
