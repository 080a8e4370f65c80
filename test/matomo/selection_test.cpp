// The day's objects: listed under the site's prefix only, pattern, and LastModified in
// [D 00:00, D+1 00:00) of the zone; an object modified exactly at midnight is in one day only.
#include "ferry/matomo/selection.h"

#include <gtest/gtest.h>

#include "ferry/net/fake_object_store.h"

namespace ferry::matomo {
namespace {

std::vector<std::string> keys(const Result<std::vector<ListedObject>>& r) {
  std::vector<std::string> out;
  if (!r) return {"failed: " + r.failure().message};
  for (const auto& o : *r) out.push_back(o.key);
  return out;
}

class MatomoSelection : public ::testing::Test {
 protected:
  void put(const std::string& key, const std::string& modified) {
    s3_.set_object(key, "data of " + key);
    s3_.set_last_modified(key, modified);
  }
  net::FakeObjectStore s3_;
  SiteSettings site_{"example.org", 1, "example.org/", "", "auto", ""};
};

TEST(MatomoLastModified, ReadsIsoAndHttpDates) {
  EXPECT_EQ(parse_last_modified("2015-03-05T00:00:00.000Z"), parse_iso8601("2015-03-05T00:00:00Z"));
  EXPECT_EQ(parse_last_modified("Thu, 05 Mar 2015 23:59:59 GMT"),
            parse_iso8601("2015-03-05T23:59:59Z"));
  EXPECT_EQ(parse_last_modified("Thu, 05 Xyz 2015 23:59:59 GMT"), std::nullopt);
  EXPECT_EQ(parse_last_modified("yesterday"), std::nullopt);
  EXPECT_EQ(parse_last_modified(""), std::nullopt);
}

TEST_F(MatomoSelection, MidnightBelongsToTheDayItStarts) {
  put("example.org/a.zip", "2015-03-04T23:59:59.999Z");
  put("example.org/b.zip", "2015-03-05T00:00:00.000Z");
  put("example.org/c.zip", "2015-03-05T23:59:59.000Z");
  put("example.org/d.zip", "2015-03-06T00:00:00.000Z");
  TimeZone utc = TimeZone::utc();
  EXPECT_EQ(keys(select_day(s3_, site_, utc, {2015, 3, 4})),
            (std::vector<std::string>{"example.org/a.zip"}));
  EXPECT_EQ(keys(select_day(s3_, site_, utc, {2015, 3, 5})),
            (std::vector<std::string>{"example.org/b.zip", "example.org/c.zip"}));
  EXPECT_EQ(keys(select_day(s3_, site_, utc, {2015, 3, 6})),
            (std::vector<std::string>{"example.org/d.zip"}));
}

TEST_F(MatomoSelection, TheDayIsTheZonesDay) {
  put("example.org/a.zip", "2015-03-05T04:59:59Z");  // 23:59:59 on the 4th in New York
  put("example.org/b.zip", "2015-03-05T05:00:00Z");  // midnight of the 5th there
  TimeZone ny = *TimeZone::find("America/New_York");
  EXPECT_EQ(keys(select_day(s3_, site_, ny, {2015, 3, 4})),
            (std::vector<std::string>{"example.org/a.zip"}));
  EXPECT_EQ(keys(select_day(s3_, site_, ny, {2015, 3, 5})),
            (std::vector<std::string>{"example.org/b.zip"}));
}

TEST_F(MatomoSelection, ListsOnlyThePrefixAndKeepsPatternMatches) {
  put("example.org/a.zip", "2015-03-05T10:00:00Z");
  put("example.org/a.txt", "2015-03-05T10:00:00Z");
  put("example.org/", "2015-03-05T10:00:00Z");  // a folder marker
  put("other.org/b.zip", "2015-03-05T10:00:00Z");
  site_.pattern = "\\.zip$";
  auto r = select_day(s3_, site_, TimeZone::utc(), {2015, 3, 5});
  EXPECT_EQ(keys(r), (std::vector<std::string>{"example.org/a.zip"}));
  EXPECT_EQ(s3_.calls(), (std::vector<std::string>{"list example.org/"}));
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].size, static_cast<int64_t>(std::string("data of example.org/a.zip").size()));
  EXPECT_EQ((*r)[0].etag.size(), 32u);
}

TEST_F(MatomoSelection, FailuresKeepTheirKind) {
  put("example.org/a.zip", "soon");
  auto bad = select_day(s3_, site_, TimeZone::utc(), {2015, 3, 5});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.failure().kind, FailureKind::kPermanent);
  EXPECT_NE(bad.failure().message.find("unreadable LastModified 'soon'"), std::string::npos);
  s3_.fail_next("list", Failure::transient("HTTP 503 SlowDown"));
  auto slow = select_day(s3_, site_, TimeZone::utc(), {2015, 3, 5});
  ASSERT_FALSE(slow);
  EXPECT_TRUE(slow.failure().is_transient());
  EXPECT_NE(slow.failure().message.find("SlowDown"), std::string::npos);
  site_.pattern = "(";
  auto pattern = select_day(s3_, site_, TimeZone::utc(), {2015, 3, 5});
  ASSERT_FALSE(pattern);
  EXPECT_NE(pattern.failure().message.find("pattern '('"), std::string::npos);
}

}  // namespace
}  // namespace ferry::matomo
