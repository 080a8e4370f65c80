// check_integrity: a sound state, a broken one, a missing one, and nothing changed by looking.
#include "ferry/state/integrity.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ferry/state/store.h"
#include "support/process.h"

namespace ferry::state {
namespace {

using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;
using namespace std::chrono_literals;

std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.push_back(e.path().filename().string() + " " +
                  std::to_string(e.is_regular_file() ? e.file_size() : 0));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(StateIntegrity, ASoundStateIsOkAndLookingChangesNothing) {
  TempDir dir;
  { Store store(dir.path()); }
  auto before = listing(dir.path());
  std::string db = read_file(dir / "ferry.db");
  EXPECT_EQ(check_integrity(dir / "ferry.db", 1000ms), "");
  EXPECT_EQ(listing(dir.path()), before);
  EXPECT_EQ(read_file(dir / "ferry.db"), db);
}

TEST(StateIntegrity, ABrokenOrMissingFileSaysWhy) {
  TempDir dir;
  write_file(dir / "ferry.db", std::string(4096, 'x'));
  EXPECT_NE(check_integrity(dir / "ferry.db", 100ms).find("not a database"), std::string::npos);
  EXPECT_EQ(check_integrity(dir / "none.db", 100ms), "no such file");
  EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST(StateIntegrity, ACorruptPageIsReported) {
  TempDir dir;
  {
    Store store(dir.path());
    store.checkpoint();
  }
  // Every page after the first (the schema) becomes garbage: the tables' b-trees are broken.
  std::string db = read_file(dir / "ferry.db");
  ASSERT_GT(db.size(), 3 * 4096u);
  for (size_t i = 4096; i < db.size(); ++i) db[i] = '\x7f';
  write_file(dir / "ferry.db", db);
  std::string why = check_integrity(dir / "ferry.db", 100ms);
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
}

}  // namespace
}  // namespace ferry::state
