#include "net/curl_lib.h"

#include <memory>
#include <mutex>
#include <string>

#include "ferry/base/error.h"
#include "ferry/base/shared_library.h"

namespace ferry::net {
namespace {

// The outcome of loading: the functions, or why they are not there.
struct Loaded {
  CurlLib lib{};
  std::string error;                  // empty when lib is usable
  std::unique_ptr<SharedLibrary> so;  // kept for the life of the process
};

// Never throws (but for std::bad_alloc): failures are reported in Loaded::error.
Loaded load() {
  Loaded out;
  out.so = std::make_unique<SharedLibrary>("libcurl.so.4", "libcurl4");
  CurlLib& l = out.lib;
  bool ok = out.so->resolve("curl_global_init", l.global_init) &&
            out.so->resolve("curl_easy_init", l.easy_init) &&
            out.so->resolve("curl_easy_cleanup", l.easy_cleanup) &&
            out.so->resolve("curl_easy_reset", l.easy_reset) &&
            out.so->resolve("curl_easy_setopt", l.easy_setopt) &&
            out.so->resolve("curl_easy_perform", l.easy_perform) &&
            out.so->resolve("curl_easy_getinfo", l.easy_getinfo) &&
            out.so->resolve("curl_easy_strerror", l.easy_strerror) &&
            out.so->resolve("curl_slist_append", l.slist_append) &&
            out.so->resolve("curl_slist_free_all", l.slist_free_all);
  if (!ok) {
    out.lib = CurlLib{};
    out.error = out.so->error();
    return out;
  }
  CURLcode rc = l.global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    out.error = std::string("libcurl.so.4 could not be initialised: curl_global_init: ") +
                l.easy_strerror(rc);
  return out;
}

}  // namespace

const CurlLib& curl_lib() {
  static std::once_flag once;
  // Never freed: clients and mailers may still clean up handles while statics are destroyed.
  static const Loaded* loaded = nullptr;
  std::call_once(once, [] { loaded = new Loaded(load()); });
  if (!loaded->error.empty()) throw OperationError(FailureKind::kPermanent, loaded->error);
  return loaded->lib;
}

}  // namespace ferry::net
