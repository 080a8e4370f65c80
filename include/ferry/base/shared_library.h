// A shared library loaded at run time (dlopen) instead of linked, for libraries that only some
// commands need: linking them makes every process, even an idle cron tick, load them and their
// own dependencies and relocate all of it before main(). The library is never unloaded.
#pragma once

#include <string>

namespace ferry {

class SharedLibrary {
 public:
  // Loads `soname` with RTLD_NOW | RTLD_LOCAL. Never throws (but for std::bad_alloc); a failure
  // is kept in error(). `package` names the Debian package that provides the library, for the
  // message.
  SharedLibrary(const char* soname, const char* package);
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // Points `fn` at the symbol `name`, which must have the signature of Fn. Returns false and
  // sets error() when the library did not load or has no such symbol; later calls then do
  // nothing and return false, so a chain of resolve() calls stops at the first failure.
  template <typename Fn>
  bool resolve(const char* name, Fn& fn) {
    void* symbol = lookup(name);
    if (!symbol) return false;
    fn = reinterpret_cast<Fn>(symbol);
    return true;
  }

  // Empty while everything loaded, otherwise one line: `libx.so.1 could not be loaded: <why>
  // (install the Debian package <package>)`.
  const std::string& error() const { return error_; }

 private:
  void* lookup(const char* name);
  void fail(const std::string& why);

  std::string soname_;
  std::string package_;
  void* handle_ = nullptr;
  std::string error_;
};

}  // namespace ferry
