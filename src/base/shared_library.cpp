#include "ferry/base/shared_library.h"

#include <dlfcn.h>

namespace ferry {

SharedLibrary::SharedLibrary(const char* soname, const char* package)
    : soname_(soname), package_(package) {
  handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = dlerror();
    fail(why ? why : "dlopen failed");
  }
}

void* SharedLibrary::lookup(const char* name) {
  if (!error_.empty()) return nullptr;
  dlerror();  // clear any earlier message
  void* symbol = dlsym(handle_, name);
  if (!symbol) {
    const char* why = dlerror();
    fail(why ? why : soname_ + ": undefined symbol: " + name);
  }
  return symbol;
}

void SharedLibrary::fail(const std::string& why) {
  error_ =
      soname_ + " could not be loaded: " + why + " (install the Debian package " + package_ + ")";
}

}  // namespace ferry
