// Reading a PNG's pixels in tests (zlib only): enough of the format for what Chromium writes
// (8-bit RGB or RGBA, not interlaced).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::testing {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3 bytes, row by row
};

// Decodes `bytes` (a whole PNG file). Throws std::runtime_error for anything else: a bad
// signature or CRC-less garbage, a colour type other than RGB/RGBA, a bit depth other than 8,
// interlacing, or data that does not inflate to the size the header gives.
Image decode_png(const std::string& bytes);

// Pixels of `image` whose colour is not white (any channel below 250).
int64_t non_white_pixels(const Image& image);

}  // namespace ferry::testing
