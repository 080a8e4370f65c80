#include "ferry/crypto/base64.h"

#include <algorithm>

#include "crypto/openssl_lib.h"

namespace ferry::crypto {

namespace {

// OpenSSL's block calls take an int length; inputs are cut into pieces well below that.
constexpr size_t kEncodeChunk = 3 * (1 << 20);  // bytes; a multiple of 3
constexpr size_t kDecodeChunk = 4 * (1 << 20);  // characters; a multiple of 4

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

std::string describe_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  static const char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 0xf];
}

// Checks what EVP_DecodeBlock does not: it skips leading and trailing whitespace and reads
// `=` anywhere as zero bits. Returns the number of padding characters, or -1 with `error` set.
int check_strict(std::string_view text, Base64Error& error) {
  if (text.size() % 4 != 0) {
    error.message = "length " + std::to_string(text.size()) + " is not a multiple of 4";
    return -1;
  }
  int padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  const size_t data_chars = text.size() - static_cast<size_t>(padding);
  for (size_t i = 0; i < data_chars; ++i) {
    if (!in_alphabet(text[i])) {
      error.message =
          "invalid character " + describe_char(text[i]) + " at offset " + std::to_string(i);
      return -1;
    }
  }
  return padding;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4, '\0');
  size_t written = 0;
  // Each call also writes a NUL after its output: into the next piece's place, or into the
  // string's own terminator after the last one.
  for (size_t pos = 0; pos < bytes.size(); pos += kEncodeChunk) {
    size_t n = std::min(kEncodeChunk, bytes.size() - pos);
    written += static_cast<size_t>(openssl().EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(&out[written]),
        reinterpret_cast<const unsigned char*>(bytes.data() + pos), static_cast<int>(n)));
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out, Base64Error& error) {
  out.clear();
  int padding = check_strict(text, error);
  if (padding < 0) return false;
  out.resize(text.size() / 4 * 3);
  size_t written = 0;
  for (size_t pos = 0; pos < text.size(); pos += kDecodeChunk) {
    size_t n = std::min(kDecodeChunk, text.size() - pos);
    int got = openssl().EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[written]),
                                        reinterpret_cast<const unsigned char*>(text.data() + pos),
                                        static_cast<int>(n));
    if (got < 0) {
      error.message = "not base64";
      return false;
    }
    written += static_cast<size_t>(got);
  }
  // EVP_DecodeBlock counts the bytes `=` stands for as decoded (zero) bytes.
  out.resize(written - static_cast<size_t>(padding));
  return true;
}

}  // namespace ferry::crypto
