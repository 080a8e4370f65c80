// publish_output records where each file went, and the job store keeps it.
#include "ferry/toolkit/publish.h"

#include <gtest/gtest.h>

#include "ferry/net/fake_object_store.h"
#include "ferry/state/jobs.h"
#include "ferry/state/store.h"
#include "support/process.h"
#include "support/test_store.h"

namespace ferry::toolkit {
namespace {

using ferry::testing::TempDir;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1452470700));  // 2016-01-11T00:05:00Z

// A fake whose objects live under a prefix, as an S3 target with `prefix` set.
class PrefixedStore : public net::FakeObjectStore {
 public:
  PrefixedStore() : FakeObjectStore("reports-bucket") {}
  net::ObjectLocation location() const override {
    return {"https://s3.eu-west-1.amazonaws.com", "eu-west-1", "reports-bucket", "team/"};
  }
};

TEST(PublishTest, TheOutputRecordsEndpointRegionBucketAndWholeKey) {
  TempDir dir;
  ferry::testing::write_file(dir / "a.csv", "x,y\n1,2\n");
  PrefixedStore s3;
  OutputFile file{dir / "a.csv", "a.csv", "reports", "cake/a.csv", 1, "", std::chrono::hours(1)};
  auto out = publish_output(s3, file, kT0);
  ASSERT_TRUE(out.is_ok()) << out.failure().message;
  EXPECT_EQ(out->s3_target, "reports");
  EXPECT_EQ(out->s3_key, "cake/a.csv");
  EXPECT_EQ(out->s3_endpoint, "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(out->s3_region, "eu-west-1");
  EXPECT_EQ(out->s3_bucket, "reports-bucket");
  EXPECT_EQ(out->s3_object_key, "team/cake/a.csv");

  ferry::testing::TestStore store(dir / "state");
  state::JobStore jobs(store);
  int64_t id = jobs.enqueue("cake-conversions", "2016-01-01", "2016-01-01", "{}", kT0);
  jobs.commit_unit(id, "", 1, 1, {*out}, kT0);
  auto back = jobs.get(id)->outputs.at(0);
  EXPECT_EQ(back.s3_endpoint, "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(back.s3_region, "eu-west-1");
  EXPECT_EQ(back.s3_bucket, "reports-bucket");
  EXPECT_EQ(back.s3_object_key, "team/cake/a.csv");
}

}  // namespace
}  // namespace ferry::toolkit
