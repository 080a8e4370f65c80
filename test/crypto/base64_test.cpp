#include "ferry/crypto/base64.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>

namespace ferry::crypto {
namespace {

// The decoded bytes, or nullopt when `text` is refused.
std::optional<std::string> decode(std::string_view text) {
  std::string out;
  Base64Error error;
  if (!base64_decode(text, out, error)) return std::nullopt;
  return out;
}

TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  EXPECT_EQ(decode(""), std::string());
  EXPECT_EQ(decode("Zg=="), std::string("f"));
  EXPECT_EQ(decode("Zm8="), std::string("fo"));
  EXPECT_EQ(decode("Zm9v"), std::string("foo"));
  EXPECT_EQ(decode("Zm9vYg=="), std::string("foob"));
  EXPECT_EQ(decode("Zm9vYmE="), std::string("fooba"));
  EXPECT_EQ(decode("Zm9vYmFy"), std::string("foobar"));
}

TEST(Base64Test, RoundTripsAllByteValuesAndLengths) {
  std::mt19937 rng(7);
  for (size_t len = 0; len < 300; ++len) {
    std::string bytes(len, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng() & 0xff);
    auto encoded = base64_encode(bytes);
    EXPECT_EQ(encoded.size(), (len + 2) / 3 * 4);
    auto decoded = decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, bytes);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(decode(base64_encode(all)), all);
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Base64Test, RejectsLengthNotMultipleOfFour) {
  std::string out;
  Base64Error error;
  EXPECT_FALSE(base64_decode("Zm9vYg", out, error));
  EXPECT_EQ(error.message, "length 6 is not a multiple of 4");
  EXPECT_FALSE(base64_decode("Zm9vY", out, error));
  EXPECT_FALSE(base64_decode("=", out, error));
}

TEST(Base64Test, RejectsCharactersOutsideTheAlphabet) {
  std::string out;
  Base64Error error;
  EXPECT_FALSE(base64_decode("Zm9v#mFy", out, error));
  EXPECT_EQ(error.message, "invalid character '#' at offset 4");
  EXPECT_FALSE(base64_decode("Zm9v\nYmFy", out, error));  // 9 chars
  EXPECT_FALSE(base64_decode("Zm9\nYmFy", out, error));   // line break inside
  EXPECT_EQ(error.message, "invalid character byte 0x0a at offset 3");
  EXPECT_FALSE(base64_decode("Zm9 YmFy", out, error));
  EXPECT_FALSE(base64_decode("Zm9-YmF_", out, error));  // URL-safe alphabet
  EXPECT_FALSE(base64_decode("Zm9v\xc3\xa9mF", out, error));
}

TEST(Base64Test, RejectsWhitespaceAtEitherEnd) {
  std::string out;
  Base64Error error;
  EXPECT_FALSE(base64_decode("Zm9v\r\n", out, error));
  EXPECT_EQ(error.message, "length 6 is not a multiple of 4");
  EXPECT_FALSE(base64_decode("    Zm9v", out, error));
  EXPECT_EQ(error.message, "invalid character byte 0x20 at offset 0");
  EXPECT_FALSE(base64_decode("Zm9vYm\n\n", out, error));
  EXPECT_EQ(error.message, "invalid character byte 0x0a at offset 6");
  EXPECT_FALSE(decode("Zg=\n").has_value());
  EXPECT_FALSE(decode("\tZg=").has_value());
}

TEST(Base64Test, IgnoresUnusedLowBitsOfTheLastCharacter) {
  EXPECT_EQ(decode("Zh=="), std::string("f"));
  EXPECT_EQ(decode("Zm9="), std::string("fo"));
}

TEST(Base64Test, RoundTripsALargeInput) {
  std::string bytes(7 * 1000 * 1000 + 1, '\0');
  std::mt19937 rng(11);
  for (auto& c : bytes) c = static_cast<char>(rng() & 0xff);
  std::string encoded = base64_encode(bytes);
  ASSERT_EQ(encoded.size(), (bytes.size() + 2) / 3 * 4);
  EXPECT_EQ(encoded.find('\0'), std::string::npos);
  EXPECT_EQ(decode(encoded), bytes);
}

TEST(Base64Test, RejectsMisplacedPadding) {
  EXPECT_FALSE(decode("====").has_value());
  EXPECT_FALSE(decode("A===").has_value());
  EXPECT_FALSE(decode("Zg==Zg==").has_value());
  EXPECT_FALSE(decode("Z=g=").has_value());
  EXPECT_FALSE(decode("Zm=v").has_value());
}

}  // namespace
}  // namespace ferry::crypto
