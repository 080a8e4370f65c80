#include "ferry/s3/xml.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ferry::s3 {
namespace {

TEST(S3Xml, DecodesPredefinedAndNumericEntities) {
  EXPECT_EQ(xml_text("<R>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</R>", "R"),
            "a & b <c> \"d\" 'e'");
  EXPECT_EQ(xml_text("<R>&#38;&#x26;&#xe9;&#8364;&#x1F600;</R>", "R"),
            "&&\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(xml_text("<R>&amp;amp;</R>", "R"), "&amp;");
  EXPECT_EQ(xml_text("<R><![CDATA[<x>]]> &amp; </R>", "R"), "<x> & ");
}

TEST(S3Xml, EscapeRoundTrips) {
  std::string s = "<a href=\"x\">Tom & Jerry's</a>";
  EXPECT_EQ(xml_text("<R>" + xml_escape(s) + "</R>", "R"), s);
  EXPECT_EQ(xml_escape("a&b"), "a&amp;b");
}

TEST(S3Xml, FindsTheFirstElementByExactName) {
  std::string doc =
      "<R xmlns=\"u\"><A><KeyCount>2</KeyCount><Key id=\"1\">a</Key></A><Key>b</Key><E/></R>";
  EXPECT_EQ(xml_text(doc, "Key").value_or("?"), "a");
  EXPECT_EQ(xml_text(doc, "KeyCount").value_or(""), "2");
  EXPECT_EQ(xml_text(doc, "E").value_or("?"), "");
  EXPECT_EQ(xml_text("<R><K> </K></R>", "K").value_or("?"), " ");
  EXPECT_FALSE(xml_text(doc, "Missing").has_value());
  EXPECT_FALSE(xml_text("<R><UploadId>x</UploadId>", "UploadId").has_value());  // unclosed
  EXPECT_FALSE(xml_text("", "R").has_value());
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
  EXPECT_EQ(page.objects[0].last_modified, "2020-01-01T00:00:00.000Z");
  EXPECT_EQ(page.objects[0].size, 0u);
  EXPECT_FALSE(page.truncated);
  EXPECT_TRUE(parse_list_page("<ListBucketResult/>").objects.empty());
}

TEST(S3Xml, ParsesATruncatedListPage) {
  auto page = parse_list_page(
      "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t&amp;1"
      "</NextContinuationToken><Contents><Key> </Key><Size>18446744073709551615</Size></Contents>"
      "<Contents><Key>b</Key><Size>7</Size></Contents></ListBucketResult>");
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, " ");
  EXPECT_EQ(page.objects[0].size, 18446744073709551615u);
  EXPECT_EQ(page.objects[1].key, "b");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_token, "t&1");
}

TEST(S3Xml, RejectsBrokenListPages) {
  EXPECT_THROW(parse_list_page("<html>oops</html>"), std::invalid_argument);
  EXPECT_THROW(parse_list_page(""), std::invalid_argument);
  EXPECT_THROW(parse_list_page("<ListBucketResult><Contents><Key>k</Key>"), std::invalid_argument);
  EXPECT_THROW(
      parse_list_page("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"),
      std::invalid_argument);
  for (const char* size : {"-1", "+1", "", "1x", "18446744073709551616"}) {
    EXPECT_THROW(parse_list_page(std::string("<ListBucketResult><Contents><Key>k</Key><Size>") +
                                 size + "</Size></Contents></ListBucketResult>"),
                 std::invalid_argument)
        << size;
  }
}

TEST(S3Xml, ParsesErrorDocuments) {
  auto e = parse_error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The key "
      "&quot;x&quot; is gone</Message></Error>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "NoSuchKey");
  EXPECT_EQ(e->message, "The key \"x\" is gone");
  auto bare = parse_error("<Error/>");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->code, "");
  EXPECT_FALSE(parse_error("").has_value());
  EXPECT_FALSE(parse_error("<Error><Code>SlowDown</Code>").has_value());  // cut short
  EXPECT_FALSE(parse_error("<html><body>502 Bad Gateway</body></html>").has_value());
  EXPECT_FALSE(parse_error("<CompleteMultipartUploadResult><ETag>x</ETag>"
                           "</CompleteMultipartUploadResult>")
                   .has_value());
}

}  // namespace
}  // namespace ferry::s3
