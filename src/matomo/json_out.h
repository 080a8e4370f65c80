// Internal to hit building: hand-written JSON string escaping (also twice over, for the JSON
// texts cvar/_cvar that travel inside a JSON string) and percent-encoding with no safe
// characters (Python's urllib.parse.quote(text, safe='')). Each writer puts its output at `w`
// and returns the end; the caller sizes the buffer: at most 6 bytes per input byte for
// escape_json, 7 for escape_json_twice, 3 for percent_encode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace ferry::matomo::detail {

// Byte classes: 0 copied as is, 1 escaped, 2 the start of a UTF-8 sequence to check; and the
// bytes percent-encoding leaves as they are.
struct JsonTables {
  uint8_t cls[256] = {};
  bool url_safe[256] = {};
  JsonTables() {
    for (int c = 0; c < 256; ++c) {
      cls[c] = c < 0x20 || c == '"' || c == '\\' ? 1 : c >= 0x80 ? 2 : 0;
      url_safe[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == '~';
    }
  }
};
inline const JsonTables& json_tables() {
  static const JsonTables t;
  return t;
}

// The length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates, at
// most U+10FFFF), or 0.
inline size_t utf8_sequence(const unsigned char* p, const unsigned char* e) {
  unsigned char c = p[0];
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || static_cast<size_t>(e - p) < n) return 0;
  for (size_t i = 1; i < n; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && p[1] < 0xA0) return 0;   // overlong
  if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogate
  if (c == 0xF0 && p[1] < 0x90) return 0;   // overlong
  if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
  return n;
}

// Whether none of 8 bytes needs a look: no control character, quote, backslash or non-ASCII.
inline bool plain8(const unsigned char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  uint64_t x;
  std::memcpy(&x, p, 8);
  uint64_t q = x ^ (kOnes * '"'), b = x ^ (kOnes * '\\');
  uint64_t special = ((x - kOnes * 0x20) & ~x) | ((q - kOnes) & ~q) | ((b - kOnes) & ~b) | x;
  return (special & kHigh) == 0;
}

// Copies the bytes from p that need no look, 16 at a time while 16 are left; returns where it
// stopped (`w` advanced alike). May store up to 16 bytes at `w` beyond those it keeps: callers
// size the buffer at several bytes per input byte.
inline const unsigned char* skip_plain16(const unsigned char* p, const unsigned char* e,
                                         char*& w) {
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                backslash = _mm_set1_epi8('\\');
  while (e - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed: bytes from 0x80 count as below 0x20, so non-ASCII is looked at too.
    __m128i special = _mm_or_si128(_mm_cmplt_epi8(x, space),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                                _mm_cmpeq_epi8(x, backslash)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), x);
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) {
      unsigned n = static_cast<unsigned>(__builtin_ctz(mask));
      w += n;
      return p + n;
    }
    p += 16;
    w += 16;
  }
#else
  (void)e;
  (void)w;
#endif
  return p;
}

inline char* put(char* w, std::string_view s) {
  std::memcpy(w, s.data(), s.size());
  return w + s.size();
}

// `v` JSON-escaped once (`twice` = false) or twice (the text of a JSON string inside a JSON
// string), without quotes. Bytes that are not UTF-8 become \u0080..\u00ff, so the output is
// valid JSON whatever the input.
template <bool twice>
char* escape(char* w, std::string_view v) {
  static const char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  const auto* e = p + v.size();
  const uint8_t* cls = json_tables().cls;
  while (p < e) {
    p = skip_plain16(p, e, w);
    while (e - p >= 8 && plain8(p)) {
      std::memcpy(w, p, 8);
      w += 8;
      p += 8;
    }
    if (p >= e) break;
    unsigned char c = *p;
    if (cls[c] == 0) {
      *w++ = static_cast<char>(*p++);
      continue;
    }
    if (cls[c] == 2) {
      size_t n = utf8_sequence(p, e);
      if (n) {
        std::memcpy(w, p, n);
        w += n;
        p += n;
        continue;
      }
    }
    ++p;
    *w++ = '\\';
    if (twice) *w++ = '\\';
    if (c == '"' || c == '\\') {
      if (twice) *w++ = '\\';
      *w++ = static_cast<char>(c);
    } else if (c == '\n' || c == '\r' || c == '\t') {
      *w++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
    } else {
      char u[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      w = put(w, std::string_view(u, 5));
    }
  }
  return w;
}

inline char* escape_json(char* w, std::string_view v) {
  return escape<false>(w, v);
}
inline char* escape_json_twice(char* w, std::string_view v) {
  return escape<true>(w, v);
}

// `v` percent-encoded: every byte but A-Z a-z 0-9 _ . - ~ as %XX (capitals).
inline char* percent_encode(char* w, std::string_view v) {
  static const char kHex[] = "0123456789ABCDEF";
  const bool* safe = json_tables().url_safe;
  for (char ch : v) {
    auto c = static_cast<unsigned char>(ch);
    if (safe[c]) {
      *w++ = ch;
    } else {
      *w++ = '%';
      *w++ = kHex[c >> 4];
      *w++ = kHex[c & 15];
    }
  }
  return w;
}

// A non-negative integer in decimal (at most 20 bytes).
inline char* put_uint(char* w, uint64_t v) {
  char buf[20];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  return put(w, std::string_view(p, static_cast<size_t>(buf + sizeof buf - p)));
}

inline char* put_int(char* w, int64_t v) {
  if (v >= 0) return put_uint(w, static_cast<uint64_t>(v));
  *w++ = '-';
  return put_uint(w, static_cast<uint64_t>(-(v + 1)) + 1);
}

}  // namespace ferry::matomo::detail
