#include "net/curl_lib.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "ferry/base/error.h"

namespace ferry::net {
namespace {

constexpr const char* kLibrary = "libcurl.so.4";

// The outcome of loading: the functions, or why they are not there.
struct Loaded {
  CurlLib lib{};
  std::string error;  // empty when lib is usable
};

// Points `fn` at the symbol `name` of `handle`; on failure sets `error` from dlerror().
template <typename Fn>
bool resolve(void* handle, const char* name, Fn& fn, std::string& error) {
  dlerror();  // clear any earlier message
  void* symbol = dlsym(handle, name);
  if (!symbol) {
    const char* why = dlerror();
    error = why ? why : std::string(kLibrary) + ": undefined symbol: " + name;
    return false;
  }
  fn = reinterpret_cast<Fn>(symbol);
  return true;
}

// Never throws (but for std::bad_alloc): failures are reported in Loaded::error.
Loaded load() {
  Loaded out;
  void* handle = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    out.error = std::string(kLibrary) + " could not be loaded: " + (why ? why : "dlopen failed") +
                " (install the Debian package libcurl4)";
    return out;
  }
  CurlLib& l = out.lib;
  std::string why;
  bool ok = resolve(handle, "curl_global_init", l.global_init, why) &&
            resolve(handle, "curl_easy_init", l.easy_init, why) &&
            resolve(handle, "curl_easy_cleanup", l.easy_cleanup, why) &&
            resolve(handle, "curl_easy_reset", l.easy_reset, why) &&
            resolve(handle, "curl_easy_setopt", l.easy_setopt, why) &&
            resolve(handle, "curl_easy_perform", l.easy_perform, why) &&
            resolve(handle, "curl_easy_getinfo", l.easy_getinfo, why) &&
            resolve(handle, "curl_easy_strerror", l.easy_strerror, why) &&
            resolve(handle, "curl_slist_append", l.slist_append, why) &&
            resolve(handle, "curl_slist_free_all", l.slist_free_all, why);
  if (!ok) {
    out.lib = CurlLib{};
    out.error = std::string(kLibrary) + " could not be loaded: " + why +
                " (install the Debian package libcurl4)";
    dlclose(handle);
    return out;
  }
  CURLcode rc = l.global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    out.error = std::string(kLibrary) +
                " could not be initialised: curl_global_init: " + l.easy_strerror(rc);
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
