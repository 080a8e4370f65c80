// The test PNG reader on images built here: every row filter, RGB and RGBA.
#include "support/png.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace ferry::testing {
namespace {

std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string chunk(const std::string& type, const std::string& data) {
  return be32(uint32_t(data.size())) + type + data + be32(0);  // the reader skips CRCs
}

std::string png(int width, int height, int colour, const std::string& filtered_rows) {
  std::string ihdr = be32(width) + be32(height) + std::string{8, char(colour), 0, 0, 0};
  uLongf size = compressBound(filtered_rows.size());
  std::string z(size, '\0');
  compress(reinterpret_cast<Bytef*>(&z[0]), &size,
           reinterpret_cast<const Bytef*>(filtered_rows.data()), filtered_rows.size());
  z.resize(size);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", z) +
         chunk("IEND", "");
}

TEST(Png, UndoesTheRowFilters) {
  // 2x3 RGB: row 0 unfiltered white/black, row 1 Sub, row 2 Up (same as row 1).
  std::string rows;
  rows += std::string{0, char(255), char(255), char(255), 0, 0, 0};
  rows += std::string{1, 10, 20, 30, 5, 5, 5};  // (10,20,30) then (15,25,35)
  rows += std::string{2, 0, 0, 0, 0, 0, 0};
  Image img = decode_png(png(2, 3, 2, rows));
  ASSERT_EQ(img.width, 2);
  ASSERT_EQ(img.height, 3);
  std::vector<uint8_t> want = {255, 255, 255, 0,  0,  0,  10, 20, 30,
                               15,  25,  35,  10, 20, 30, 15, 25, 35};
  EXPECT_EQ(img.rgb, want);
  EXPECT_EQ(non_white_pixels(img), 5);
}

TEST(Png, ReadsRgbaAndAverageAndPaeth) {
  std::string rows;
  rows += std::string{0, char(255), char(255), char(255), char(255)};
  rows += std::string{3, 0, 0, 0, 0};  // average of up (255) and left (0): 127
  rows += std::string{4, 1, 1, 1, 0};  // paeth picks up (127): 128
  Image img = decode_png(png(1, 3, 6, rows));
  std::vector<uint8_t> want = {255, 255, 255, 127, 127, 127, 128, 128, 128};
  EXPECT_EQ(img.rgb, want);
  EXPECT_EQ(non_white_pixels(img), 2);
}

TEST(Png, RefusesWhatIsNotAPng) {
  EXPECT_THROW(decode_png("GIF89a"), std::runtime_error);
  EXPECT_THROW(decode_png(png(1, 1, 3, std::string{0, 0})), std::runtime_error);  // palette
}

}  // namespace
}  // namespace ferry::testing
