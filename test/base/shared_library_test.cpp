#include "ferry/base/shared_library.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ferry {
namespace {

TEST(SharedLibrary, ResolvesAFunctionOfALoadedLibrary) {
  SharedLibrary lib("libc.so.6", "libc6");
  size_t (*length)(const char*) = nullptr;
  ASSERT_TRUE(lib.resolve("strlen", length)) << lib.error();
  EXPECT_EQ(length("ferry"), 5u);
  EXPECT_EQ(lib.error(), "");
}

TEST(SharedLibrary, AMissingLibraryNamesItselfAndItsPackage) {
  SharedLibrary lib("libferry-absent.so.7", "libferry-absent7");
  int (*fn)() = nullptr;
  EXPECT_FALSE(lib.resolve("anything", fn));
  EXPECT_EQ(fn, nullptr);
  EXPECT_NE(lib.error().find("libferry-absent.so.7 could not be loaded: "), std::string::npos)
      << lib.error();
  EXPECT_NE(lib.error().find("(install the Debian package libferry-absent7)"), std::string::npos)
      << lib.error();
}

TEST(SharedLibrary, AMissingSymbolStopsTheChainAtTheFirstFailure) {
  SharedLibrary lib("libc.so.6", "libc6");
  int (*absent)() = nullptr;
  size_t (*length)(const char*) = nullptr;
  bool ok = lib.resolve("ferry_no_such_function", absent) && lib.resolve("strlen", length);
  EXPECT_FALSE(ok);
  EXPECT_NE(lib.error().find("ferry_no_such_function"), std::string::npos) << lib.error();
  // Once failed, later lookups fail too, so a partly resolved table is never used.
  EXPECT_FALSE(lib.resolve("strlen", length));
  EXPECT_EQ(length, nullptr);
}

}  // namespace
}  // namespace ferry
