// nginx JSON lines: one object per line with the keys import_logs.py reads. nginx writes
// `\xHH` for bytes it escapes, which is not JSON; it is read here as that byte.
#include <cstring>
#include <string>
#include <string_view>

#include "matomo/log_formats.h"

namespace ferry::matomo::detail {
namespace {

class JsonLine {
 public:
  JsonLine(std::string_view line, std::string& buf) : p_(line.data()), e_(p_ + line.size()) {
    if (buf.size() < line.size()) buf.resize(line.size());
    out_ = &buf[0];
  }

  void ws() {
    while (p_ < e_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  bool eat(char c) {
    ws();
    if (p_ < e_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool at_end() {
    ws();
    return p_ == e_;
  }
  char peek() {
    ws();
    return p_ < e_ ? *p_ : '\0';
  }

  // A string (the cursor on its opening quote): a view into the line when it has no escape,
  // else its decoded bytes in the buffer.
  bool string(std::string_view& v) {
    ++p_;
    const char* s = p_;
    while (p_ < e_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
    if (p_ < e_ && *p_ == '"') {
      v = std::string_view(s, static_cast<size_t>(p_ - s));
      ++p_;
      return true;
    }
    char* w = out_;
    std::memcpy(w, s, static_cast<size_t>(p_ - s));
    w += p_ - s;
    while (p_ < e_) {
      char c = *p_++;
      if (c == '"') {
        v = std::string_view(out_, static_cast<size_t>(w - out_));
        out_ = w;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        *w++ = c;
      } else if (!escape(w)) {
        return false;
      }
    }
    return false;
  }

  // Any value; strings and numbers are returned as text, `null` as `is_null`.
  bool value(std::string_view& v, bool& is_null) {
    is_null = false;
    char c = peek();
    if (c == '"') return string(v);
    if (c == '{' || c == '[') return skip_nested();
    if (literal("null")) return is_null = true;
    if (literal("true") || literal("false")) return true;
    return number(v);
  }

 private:
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex_digits(int n, unsigned& value) {
    if (e_ - p_ < n) return false;
    value = 0;
    for (int i = 0; i < n; ++i) {
      int h = hex(*p_++);
      if (h < 0) return false;
      value = value * 16 + static_cast<unsigned>(h);
    }
    return true;
  }
  static void put_utf8(char*& w, unsigned cp) {
    if (cp < 0x80) {
      *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *w++ = static_cast<char>(0xC0 | (cp >> 6));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *w++ = static_cast<char>(0xE0 | (cp >> 12));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *w++ = static_cast<char>(0xF0 | (cp >> 18));
      *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // After a backslash. Decoded text is never longer than its escape, so `w` stays in the buffer.
  bool escape(char*& w) {
    if (p_ >= e_) return false;
    char c = *p_++;
    unsigned cp = 0;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        *w++ = c;
        return true;
      case 'b':
        *w++ = '\b';
        return true;
      case 'f':
        *w++ = '\f';
        return true;
      case 'n':
        *w++ = '\n';
        return true;
      case 'r':
        *w++ = '\r';
        return true;
      case 't':
        *w++ = '\t';
        return true;
      case 'x':
        if (!hex_digits(2, cp)) return false;
        *w++ = static_cast<char>(cp);
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    if (!hex_digits(4, cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF && e_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
      const char* back = p_;
      p_ += 2;
      unsigned low = 0;
      if (hex_digits(4, low) && low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else {
        p_ = back;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate
    put_utf8(w, cp);
    return true;
  }
  bool literal(std::string_view word) {
    if (static_cast<size_t>(e_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }
  bool number(std::string_view& v) {
    const char* s = p_;
    if (p_ < e_ && *p_ == '-') ++p_;
    const char* digits = p_;
    while (p_ < e_ &&
           (is_digit(*p_) || *p_ == '.' || *p_ == 'e' || *p_ == 'E' || *p_ == '+' || *p_ == '-')) {
      ++p_;
    }
    v = std::string_view(s, static_cast<size_t>(p_ - s));
    return p_ > digits && is_digit(*digits);
  }
  bool skip_nested() {
    int depth = 0;
    std::string_view ignored;
    char* keep = out_;
    while (p_ < e_) {
      char c = *p_;
      if (c == '"') {
        if (!string(ignored)) return false;
        out_ = keep;
        continue;
      }
      ++p_;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }

  const char* p_;
  const char* e_;
  char* out_;
};

// Stores the value of a known key; false for a key import_logs.py does not read.
bool store(std::string_view key, std::string_view v, RawLine& raw) {
  if (key == "ip")
    raw.ip = v;
  else if (key == "host")
    raw.host = v, raw.has_host = true;
  else if (key == "path")
    raw.path = v;
  else if (key == "query_string")
    raw.query = v, raw.has_query = true;
  else if (key == "status")
    raw.status = v;
  else if (key == "referrer")
    raw.referrer = v;
  else if (key == "user_agent")
    raw.user_agent = v;
  else if (key == "length")
    raw.length = v;
  else if (key == "generation_time_milli")
    raw.generation = v, raw.gen_unit = GenUnit::kSecs;
  else if (key == "date")
    raw.date = v;
  else if (key == "method")
    raw.method = v;
  else if (key == "userid")
    raw.userid = v;
  else
    return false;
  return true;
}

}  // namespace

std::string_view scan_nginx_json(std::string_view line, std::string& buf, RawLine& raw) {
  JsonLine j(line, buf);
  if (!j.eat('{')) return reason::kNoMatch;
  int known = 0;
  if (!j.eat('}')) {
    do {
      std::string_view key, v;
      bool is_null = false;
      if (j.peek() != '"' || !j.string(key) || !j.eat(':') || !j.value(v, is_null)) {
        return reason::kBadJson;
      }
      if (!is_null && store(key, v, raw)) ++known;
    } while (j.eat(','));
    if (!j.eat('}')) return reason::kBadJson;
  }
  if (!j.at_end()) return reason::kBadJson;
  if (raw.ip.empty() || raw.path.empty() || raw.status.empty() || raw.date.empty()) {
    return reason::kMissingField;
  }
  if (raw.date.size() > 19) {  // $time_iso8601: the time, then the offset
    raw.offset = raw.date.substr(19);
    raw.date = raw.date.substr(0, 19);
  }
  raw.date_form = DateForm::kIso;
  raw.fields = known;
  return std::string_view();
}

}  // namespace ferry::matomo::detail
