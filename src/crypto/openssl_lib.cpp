#include "crypto/openssl_lib.h"

#include <memory>
#include <mutex>
#include <string>

#include "ferry/base/error.h"
#include "ferry/base/shared_library.h"

namespace ferry::crypto {
namespace {

struct Loaded {
  OpensslLib lib{};
  std::string error;                  // empty when lib is usable
  std::unique_ptr<SharedLibrary> so;  // kept for the life of the process
};

// Never throws (but for std::bad_alloc): failures are reported in Loaded::error.
Loaded load() {
  Loaded out;
  out.so = std::make_unique<SharedLibrary>("libcrypto.so.3", "libssl3");
  bool ok = true;
#define FERRY_OPENSSL_RESOLVE(name) ok = ok && out.so->resolve(#name, out.lib.name);
  FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_RESOLVE)
#undef FERRY_OPENSSL_RESOLVE
  if (!ok) {
    out.lib = OpensslLib{};
    out.error = out.so->error();
  }
  return out;
}

}  // namespace

const OpensslLib& openssl() {
  static std::once_flag once;
  static const Loaded* loaded = nullptr;  // never freed, as the library is never unloaded
  std::call_once(once, [] { loaded = new Loaded(load()); });
  if (!loaded->error.empty()) throw OperationError(FailureKind::kPermanent, loaded->error);
  return loaded->lib;
}

}  // namespace ferry::crypto
