#include "ferry/s3/xml.h"

#include <gtest/gtest.h>

namespace ferry::s3 {
namespace {

TEST(S3Xml, DecodesPredefinedAndNumericEntities) {
  EXPECT_EQ(xml_decode("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"), "a & b <c> \"d\" 'e'");
  EXPECT_EQ(xml_decode("&#38;&#x26;&#xe9;&#8364;&#x1F600;"),
            "&&\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(xml_decode("AT&T &bogus; &#xZZ; &"), "AT&T &bogus; &#xZZ; &");
  EXPECT_EQ(xml_decode("&amp;amp;"), "&amp;");
}

TEST(S3Xml, EscapeRoundTrips) {
  std::string s = "<a href=\"x\">Tom & Jerry's</a>";
  EXPECT_EQ(xml_decode(xml_escape(s)), s);
  EXPECT_EQ(xml_escape("a&b"), "a&amp;b");
}

TEST(S3Xml, FindsElementsByExactNameWithAttributesAndSelfClosing) {
  std::string doc = "<R xmlns=\"u\"><Key>a</Key><KeyCount>2</KeyCount><Key >b</Key><Key/></R>";
  auto keys = xml_elements(doc, "Key");
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], "a");
  EXPECT_EQ(keys[1], "b");
  EXPECT_EQ(keys[2], "");
  EXPECT_EQ(xml_text(doc, "KeyCount").value_or(""), "2");
  EXPECT_EQ(xml_elements(doc, "R").size(), 1u);
  EXPECT_FALSE(xml_text(doc, "Missing").has_value());
}

TEST(S3Xml, ParsesAListPage) {
  auto page = parse_list_page(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/"
      "doc/2006-03-01/\"><Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000"
      "</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>x/IsTruncated&lt;</Key>"
      "<LastModified>2020-01-01T00:00:00.000Z</"
      "LastModified><ETag>\"d41d8cd98f00b204e9800998ecf8427e"
      "\"</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "x/IsTruncated<");
  EXPECT_EQ(page.objects[0].etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_FALSE(page.truncated);
  EXPECT_TRUE(parse_list_page("<ListBucketResult/>").objects.empty());
}

TEST(S3Xml, RejectsBrokenListPages) {
  EXPECT_THROW(parse_list_page("<html>oops</html>"), std::invalid_argument);
  EXPECT_THROW(
      parse_list_page("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"),
      std::invalid_argument);
  EXPECT_THROW(
      parse_list_page(
          "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>"),
      std::invalid_argument);
}

TEST(S3Xml, ParsesErrorDocuments) {
  auto e = parse_error(
      "<Error><Code>NoSuchKey</Code><Message>The key &quot;x&quot; is gone</Message></Error>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "NoSuchKey");
  EXPECT_EQ(e->message, "The key \"x\" is gone");
  EXPECT_FALSE(parse_error("").has_value());
}

}  // namespace
}  // namespace ferry::s3
