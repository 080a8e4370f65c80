#include "support/png.h"

#include <zlib.h>

#include <cstdlib>
#include <stdexcept>

namespace ferry::testing {
namespace {

uint32_t be32(const std::string& b, size_t at) {
  if (at + 4 > b.size()) throw std::runtime_error("png: truncated");
  return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 |
         uint32_t(uint8_t(b[at + 2])) << 8 | uint32_t(uint8_t(b[at + 3]));
}

std::vector<uint8_t> inflate_all(const std::string& data, size_t expected) {
  std::vector<uint8_t> out(expected);
  uLongf size = expected;
  int rc =
      ::uncompress(out.data(), &size, reinterpret_cast<const Bytef*>(data.data()), data.size());
  if (rc != Z_OK || size != expected) throw std::runtime_error("png: bad image data");
  return out;
}

uint8_t paeth(int a, int b, int c) {
  int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return uint8_t(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// Undoes the per-row filters in place; returns the rows without their filter bytes.
std::vector<uint8_t> unfilter(const std::vector<uint8_t>& raw, int width, int height, int bpp) {
  const size_t stride = size_t(width) * bpp;
  std::vector<uint8_t> out(stride * height);
  for (int y = 0; y < height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    uint8_t* row = &out[y * stride];
    const uint8_t* up = y > 0 ? &out[(y - 1) * stride] : nullptr;
    for (size_t x = 0; x < stride; ++x) {
      int a = x >= size_t(bpp) ? row[x - bpp] : 0, b = up ? up[x] : 0;
      int c = up && x >= size_t(bpp) ? up[x - bpp] : 0;
      int v = in[x];
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) / 2;
          break;
        case 4:
          v += paeth(a, b, c);
          break;
        default:
          throw std::runtime_error("png: bad filter");
      }
      row[x] = uint8_t(v);
    }
  }
  return out;
}

}  // namespace

Image decode_png(const std::string& b) {
  if (b.size() < 8 || b.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0)
    throw std::runtime_error("png: not a PNG file");
  Image img;
  int bpp = 0;
  std::string idat;
  for (size_t at = 8; at + 8 <= b.size();) {
    uint32_t len = be32(b, at);
    std::string type = b.substr(at + 4, 4);
    if (at + 12 + len > b.size()) throw std::runtime_error("png: truncated chunk");
    if (type == "IHDR") {
      img.width = int(be32(b, at + 8));
      img.height = int(be32(b, at + 12));
      const uint8_t depth = uint8_t(b[at + 16]), colour = uint8_t(b[at + 17]);
      if (depth != 8 || (colour != 2 && colour != 6) || b[at + 20] != 0)
        throw std::runtime_error("png: only 8-bit RGB/RGBA, not interlaced");
      bpp = colour == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      idat += b.substr(at + 8, len);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + len;
  }
  if (bpp == 0 || img.width <= 0 || img.height <= 0) throw std::runtime_error("png: no IHDR");
  auto raw = inflate_all(idat, size_t(img.height) * (size_t(img.width) * bpp + 1));
  auto px = unfilter(raw, img.width, img.height, bpp);
  img.rgb.reserve(size_t(img.width) * img.height * 3);
  for (size_t i = 0; i < px.size(); i += bpp) img.rgb.insert(img.rgb.end(), &px[i], &px[i] + 3);
  return img;
}

int64_t non_white_pixels(const Image& image) {
  int64_t n = 0;
  for (size_t i = 0; i + 2 < image.rgb.size(); i += 3)
    if (image.rgb[i] < 250 || image.rgb[i + 1] < 250 || image.rgb[i + 2] < 250) ++n;
  return n;
}

}  // namespace ferry::testing
