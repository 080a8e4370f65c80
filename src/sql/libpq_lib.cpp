#include "sql/libpq_lib.h"

#include <memory>
#include <mutex>
#include <string>

#include "ferry/base/shared_library.h"
#include "ferry/sql/connection.h"

namespace ferry::sql {
namespace {

struct Loaded {
  LibpqLib lib{};
  std::string error;                  // empty when lib is usable
  std::unique_ptr<SharedLibrary> so;  // kept for the life of the process
};

Loaded load() {
  Loaded out;
  out.so = std::make_unique<SharedLibrary>("libpq.so.5", "libpq5");
  bool ok = true;
#define FERRY_LIBPQ_RESOLVE(name) ok = ok && out.so->resolve(#name, out.lib.name);
  FERRY_LIBPQ_FUNCTIONS(FERRY_LIBPQ_RESOLVE)
#undef FERRY_LIBPQ_RESOLVE
  if (!ok) {
    out.lib = LibpqLib{};
    out.error = out.so->error();
  }
  return out;
}

}  // namespace

const LibpqLib& libpq() {
  static std::once_flag once;
  static const Loaded* loaded = nullptr;  // never freed, as the library is never unloaded
  std::call_once(once, [] { loaded = new Loaded(load()); });
  if (!loaded->error.empty()) throw Error("postgresql: " + loaded->error);
  return loaded->lib;
}

}  // namespace ferry::sql
