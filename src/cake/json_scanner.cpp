#include "cake/json_scanner.h"

#include <array>
#include <cstring>

namespace ferry::cake::detail {
namespace {

// Bytes a string may hold as they are: printable ASCII except '"' and '\\'.
constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}
constexpr std::array<bool, 256> kPlain = make_plain_table();

bool in(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

// Length of the valid UTF-8 sequence (2..4 bytes) at p, or 0 (RFC 3629 table 3-7).
size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (c < 0xC2 || c > 0xF4 || static_cast<size_t>(end - p) < n) return 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;
  if (!in(p[1], lo, hi)) return 0;
  for (size_t k = 2; k < n; ++k)
    if (!in(p[k], 0x80, 0xBF)) return 0;
  return n;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The first byte at or after p (before end) that a string may not hold as it is, or end.
// Eight bytes at a time while none of them is '"', '\\', a control byte or above 0x7F.
const char* plain_run_end(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  while (end - p >= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    uint64_t quote = x ^ (kOnes * '"'), slash = x ^ (kOnes * '\\');
    // Per byte, the high bit of: below 0x20, equal to '"', equal to '\\', or set already.
    uint64_t found =
        ((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | x;
    if (found & kHigh) break;
    p += 8;
  }
  while (p < end && kPlain[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

}  // namespace

JsonScanner::JsonScanner(std::string_view text, size_t max_depth, bool final)
    : in_(text), final_(final), bom_pending_(true), max_depth_(max_depth) {}

JsonToken JsonScanner::starve() {
  starved_ = true;
  offset_ = in_.size();
  return JsonToken::kError;
}

JsonToken JsonScanner::fail(size_t at, const char* what) {
  if (state_ == State::kDone && !error_.empty()) return JsonToken::kError;
  if (!final_ && at >= in_.size()) return starve();
  offset_ = at;
  error_ = at >= in_.size() ? std::string("unexpected end of input; ") + what : what;
  stack_.clear();
  state_ = State::kDone;
  pos_ = in_.size() + 1;  // sticky: next() reports the error again
  return JsonToken::kError;
}

void JsonScanner::skip_whitespace_run() {
  while (pos_ < in_.size()) {
    char c = in_[pos_];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
    ++pos_;
  }
}

JsonToken JsonScanner::next() {
  starved_ = false;
  if (pos_ > in_.size()) return JsonToken::kError;
  if (bom_pending_) {
    std::string_view head = in_.substr(pos_, 3);
    if (!final_ && head.size() < 3 && kBom.substr(0, head.size()) == head) return starve();
    if (head == kBom) pos_ += 3;
    bom_pending_ = false;
  }
  for (;;) {
    skip_space();
    offset_ = pos_;
    bool at_end = pos_ >= in_.size();
    char c = at_end ? '\0' : in_[pos_];
    switch (state_) {
      case State::kDone:
        if (!at_end) return fail(pos_, "unexpected data after the JSON value");
        return final_ ? JsonToken::kEnd : starve();
      case State::kCommaOrEnd:
        if (c == ',') {
          ++pos_;
          state_ = stack_.back() == '{' ? State::kKey : State::kValue;
          continue;
        }
        return close(c);
      case State::kKeyOrEnd:
        if (c == '}') return close(c);
        [[fallthrough]];
      case State::kKey:
        if (c != '"') return fail(pos_, "expected a string key");
        if (!string()) return JsonToken::kError;
        skip_space();
        if (pos_ >= in_.size() || in_[pos_] != ':') return fail(pos_, "expected ':' after a key");
        ++pos_;
        state_ = State::kValue;
        return JsonToken::kKey;
      case State::kValueOrEnd:
        if (c == ']') return close(c);
        [[fallthrough]];
      case State::kValue:
        return value();
    }
  }
}

JsonToken JsonScanner::close(char c) {
  char open = stack_.back();
  if ((c == '}' && open == '{') || (c == ']' && open == '[')) {
    ++pos_;
    stack_.pop_back();
    after_value();
    return c == '}' ? JsonToken::kEndObject : JsonToken::kEndArray;
  }
  return fail(pos_, open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
}

JsonToken JsonScanner::value() {
  if (pos_ >= in_.size()) return fail(pos_, "expected a value");
  char c = in_[pos_];
  switch (c) {
    case '{':
    case '[':
      if (stack_.size() >= max_depth_) return fail(pos_, "containers nested too deeply");
      stack_.push_back(c);
      ++pos_;
      state_ = c == '{' ? State::kKeyOrEnd : State::kValueOrEnd;
      return c == '{' ? JsonToken::kBeginObject : JsonToken::kBeginArray;
    case '"':
      if (!string()) return JsonToken::kError;
      after_value();
      return JsonToken::kString;
    case 't':
      return literal("true", JsonToken::kTrue);
    case 'f':
      return literal("false", JsonToken::kFalse);
    case 'n':
      return literal("null", JsonToken::kNull);
    default:
      if (c == '-' || is_digit(c)) return number();
      return fail(pos_, "expected a value");
  }
}

JsonToken JsonScanner::literal(std::string_view word, JsonToken token) {
  std::string_view here = in_.substr(pos_, word.size());
  if (here != word) {
    bool cut = here.size() < word.size() && word.substr(0, here.size()) == here;
    return fail(cut ? in_.size() : pos_, "invalid literal");
  }
  pos_ += word.size();
  after_value();
  return token;
}

JsonToken JsonScanner::number() {
  size_t start = pos_, n = in_.size();
  auto digits = [&] {
    size_t from = pos_;
    while (pos_ < n && is_digit(in_[pos_])) ++pos_;
    return pos_ > from;
  };
  if (in_[pos_] == '-') ++pos_;
  if (pos_ < n && in_[pos_] == '0') {
    ++pos_;
    if (pos_ < n && is_digit(in_[pos_])) return fail(pos_, "invalid number: leading zero");
  } else if (!digits()) {
    return fail(pos_, "invalid number: expected a digit");
  }
  integer_ = true;
  if (pos_ < n && in_[pos_] == '.') {
    ++pos_;
    integer_ = false;
    if (!digits()) return fail(pos_, "invalid number: expected a digit after '.'");
  }
  if (pos_ < n && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
    ++pos_;
    integer_ = false;
    if (pos_ < n && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
    if (!digits()) return fail(pos_, "invalid number: expected an exponent digit");
  }
  if (pos_ >= n && !final_) return starve();  // more digits may follow
  text_ = in_.substr(start, pos_ - start);
  after_value();
  return JsonToken::kNumber;
}

// At the opening quote; on success pos_ is past the closing quote and text_ holds the text.
bool JsonScanner::string() {
  const char* base = in_.data();
  const char* end = base + in_.size();
  const char* p = base + pos_ + 1;
  const char* run = p;
  bool copied = false;
  for (;;) {
    p = plain_run_end(p, end);
    if (p >= end) {
      fail(in_.size(), "string is not closed");
      return false;
    }
    unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"') {
      if (copied) {
        scratch_.append(run, p);
        text_ = scratch_;
      } else {
        text_ = std::string_view(run, static_cast<size_t>(p - run));
      }
      pos_ = static_cast<size_t>(p - base) + 1;
      return true;
    }
    if (c >= 0x80) {
      size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (c >= 0xC2 && c <= 0xF4 && static_cast<size_t>(end - p) < want) {
        fail(in_.size(), "string is not closed");
        return false;
      }
      size_t len = utf8_length(reinterpret_cast<const unsigned char*>(p),
                               reinterpret_cast<const unsigned char*>(end));
      if (len == 0) {
        fail(static_cast<size_t>(p - base), "invalid UTF-8 in a string");
        return false;
      }
      p += len;
      continue;
    }
    if (c != '\\') {
      fail(static_cast<size_t>(p - base), "control character in a string");
      return false;
    }
    if (!copied) scratch_.clear();
    copied = true;
    scratch_.append(run, p);
    if (!escape(p)) return false;
    run = p;
  }
}

// At a backslash; decodes one escape (a surrogate pair counts as one) into scratch_.
bool JsonScanner::escape(const char*& p) {
  const char* base = in_.data();
  const char* end = base + in_.size();
  auto bad = [&](const char* at, const char* what) {
    fail(static_cast<size_t>(at - base), what);
    return false;
  };
  if (end - p < 2) return bad(end, "string is not closed");
  char e = p[1];
  static const char kFrom[] = "\"\\/bfnrt";
  static const char kTo[] = "\"\\/\b\f\n\r\t";
  for (int k = 0; k < 8; ++k) {
    if (e == kFrom[k]) {
      scratch_ += kTo[k];
      p += 2;
      return true;
    }
  }
  if (e != 'u') return bad(p, "invalid escape in a string");
  auto code_at = [&](const char* q) -> int32_t {
    if (end - q < 6 || q[0] != '\\' || q[1] != 'u') return -1;
    int32_t v = 0;
    for (int k = 2; k < 6; ++k) {
      int h = hex_value(q[k]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  };
  int32_t cp = code_at(p);
  if (cp < 0 && end - p < 6) return bad(end, "string is not closed");
  if (cp < 0) return bad(p, "invalid \\u escape");
  if (cp >= 0xDC00 && cp <= 0xDFFF) return bad(p, "lone low surrogate in a \\u escape");
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    int32_t low = code_at(p + 6);
    if (low < 0 && end - p < 12) return bad(end, "string is not closed");
    if (low < 0xDC00 || low > 0xDFFF) return bad(p, "high surrogate without a low one");
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    p += 6;
  }
  append_utf8(scratch_, static_cast<uint32_t>(cp));
  p += 6;
  return true;
}

bool JsonScanner::skip_value(JsonToken first) {
  if (first == JsonToken::kError) return false;
  if (first != JsonToken::kBeginObject && first != JsonToken::kBeginArray) return true;
  size_t target = stack_.size() - 1;
  for (;;) {
    JsonToken t = next();
    if (t == JsonToken::kError) return false;
    if ((t == JsonToken::kEndObject || t == JsonToken::kEndArray) && stack_.size() == target)
      return true;
  }
}

}  // namespace ferry::cake::detail
