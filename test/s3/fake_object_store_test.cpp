#include "ferry/net/fake_object_store.h"

#include <gtest/gtest.h>

#include "support/process.h"

namespace ferry::net {
namespace {

namespace t = ferry::testing;

TEST(S3FakeObjectStore, StoresListsAndRecords) {
  t::TempDir dir;
  t::write_file(dir / "a", "alpha");
  FakeObjectStore store("reports");
  store.put_file("2016/01/a.csv", dir / "a");
  store.set_object("2016/01/b.csv", "beta");
  store.set_object("2016/02/c.csv", "gamma");
  EXPECT_EQ(store.puts(), std::vector<std::string>{"2016/01/a.csv"});
  EXPECT_EQ(store.objects().at("2016/01/a.csv"), "alpha");

  auto listed = store.list("2016/01/");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].key, "2016/01/b.csv");
  EXPECT_EQ(listed[1].size, 4u);
  EXPECT_EQ(store.list("2016/", "2016/01/b.csv").size(), 1u);

  store.get_file("2016/02/c.csv", dir / "c");
  EXPECT_EQ(t::read_file(dir / "c"), "gamma");
  EXPECT_THROW(store.get_file("nope", dir / "n"), OperationError);
  EXPECT_FALSE(t::file_exists(dir / "n"));

  EXPECT_EQ(store.head("2016/01/b.csv")->etag, "987bcab01b929eb2c07877b224215c92");
  store.remove("2016/01/b.csv");
  EXPECT_FALSE(store.head("2016/01/b.csv").has_value());
  EXPECT_EQ(store.describe(), "s3://reports");
}

TEST(S3FakeObjectStore, PresignIsDeterministicAndLimited) {
  FakeObjectStore store("b");
  TimePoint now = *parse_iso8601("2016-01-10T00:00:00Z");
  EXPECT_EQ(store.presign_get("k.csv", std::chrono::hours(24), now),
            "https://fake-s3.invalid/b/k.csv?expires=86400&at=2016-01-10T00:00:00Z");
  EXPECT_THROW(store.presign_get("k.csv", std::chrono::hours(24 * 8), now), UsageError);
}

TEST(S3FakeObjectStore, InjectedFailuresHitTheNextMatchingCall) {
  t::TempDir dir;
  t::write_file(dir / "a", "alpha");
  FakeObjectStore store;
  store.fail_next("put", Failure::transient("s3 PUT: HTTP 503 SlowDown"));
  try {
    store.put_file("k", dir / "a");
    FAIL();
  } catch (const OperationError& e) {
    EXPECT_TRUE(e.is_transient());
  }
  EXPECT_TRUE(store.objects().empty());
  store.put_file("k", dir / "a");
  EXPECT_EQ(store.objects().size(), 1u);
  EXPECT_EQ(store.puts().size(), 2u);
}

}  // namespace
}  // namespace ferry::net
