// Internal to the Matomo log parser: a cursor over one line with the pieces import_logs.py's
// regular expressions are made of (\s+, \S+, "quoted", [\w*.:-]+, \d+).
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

#include "matomo/log_formats.h"

namespace ferry::matomo::detail {

class LineScanner {
 public:
  explicit LineScanner(std::string_view line) : p_(line.data()), e_(line.data() + line.size()) {}

  bool at_end() const { return p_ == e_; }
  char peek() const { return p_ < e_ ? *p_ : '\0'; }
  const char* pos() const { return p_; }
  void skip(size_t n) { p_ += n; }

  // \s+ : at least one blank.
  bool spaces() {
    const char* s = p_;
    while (p_ < e_ && is_space(*p_)) ++p_;
    return p_ != s;
  }
  // \S+ : at least one non-blank.
  bool token(std::string_view& t) {
    const char* s = p_;
    while (p_ < e_ && !is_space(*p_)) ++p_;
    t = std::string_view(s, static_cast<size_t>(p_ - s));
    return p_ != s;
  }
  bool skip_token() {
    std::string_view t;
    return token(t);
  }
  // \S+ followed by \s+.
  bool field(std::string_view& t) { return token(t) && spaces(); }
  bool skip_field() { return skip_token() && spaces(); }
  // "..." : the text up to the first quote not escaped by a backslash (escapes kept as written).
  bool quoted(std::string_view& t) {
    if (p_ >= e_ || *p_ != '"') return false;
    const char* s = p_ + 1;
    for (const char* q = s;;) {
      q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(e_ - q)));
      if (!q) return false;
      size_t backslashes = 0;
      while (q - backslashes > s && q[-1 - static_cast<ptrdiff_t>(backslashes)] == '\\') {
        ++backslashes;
      }
      if (backslashes % 2 == 0) {  // not escaped
        t = std::string_view(s, static_cast<size_t>(q - s));
        p_ = q + 1;
        return true;
      }
      ++q;
    }
  }
  // Characters of `ok` (a 256-entry table), `min` of them at least.
  bool run(const bool* ok, std::string_view& t, size_t min = 1) {
    const char* s = p_;
    while (p_ < e_ && ok[static_cast<unsigned char>(*p_)]) ++p_;
    t = std::string_view(s, static_cast<size_t>(p_ - s));
    return t.size() >= min;
  }
  bool digits(std::string_view& t) {
    const char* s = p_;
    while (p_ < e_ && is_digit(*p_)) ++p_;
    t = std::string_view(s, static_cast<size_t>(p_ - s));
    return p_ != s;
  }
  // [...] : the text up to the first ']'.
  bool bracketed(std::string_view& t) {
    if (p_ >= e_ || *p_ != '[') return false;
    const char* s = ++p_;
    const void* close = std::memchr(s, ']', static_cast<size_t>(e_ - s));
    if (!close) return false;
    p_ = static_cast<const char*>(close);
    t = std::string_view(s, static_cast<size_t>(p_ - s));
    ++p_;
    return true;
  }

 private:
  const char* p_;
  const char* e_;
};

// Character classes: [\w*.:-] (an address) and [\w.-] (a host), ASCII.
struct CharTables {
  bool ip[256] = {};
  bool host[256] = {};
  CharTables() {
    for (int c = 0; c < 256; ++c) {
      bool word =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      host[c] = word || c == '.' || c == '-';
      ip[c] = host[c] || c == '*' || c == ':';
    }
  }
};
inline const CharTables& char_tables() {
  static const CharTables tables;
  return tables;
}

}  // namespace ferry::matomo::detail
