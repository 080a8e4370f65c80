#include "ferry/io/csv.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace ferry::io {

namespace {

// Bytes that make a field quoted.
constexpr std::array<bool, 256> make_special_table() {
  std::array<bool, 256> t{};
  t[','] = t['"'] = t['\r'] = t['\n'] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecial = make_special_table();

// Whether any of the 8 bytes at p is ',', '"', CR or LF (a word with none is the common case).
bool special_in_word(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  uint64_t x;
  std::memcpy(&x, p, 8);
  auto zero_byte = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return zero_byte(x ^ (kOnes * ',')) | zero_byte(x ^ (kOnes * '"')) |
         zero_byte(x ^ (kOnes * '\r')) | zero_byte(x ^ (kOnes * '\n'));
}

}  // namespace

void append_csv_field(std::string& out, std::string_view field) {
  const char* p = field.data();
  const char* end = p + field.size();
  while (end - p >= 8 && !special_in_word(p)) p += 8;
  while (p < end && !kSpecial[static_cast<unsigned char>(*p)]) ++p;
  if (p == end) {
    out.append(field);
    return;
  }
  out.push_back('"');
  const char* run = field.data();
  for (p = run; p < end; ++p) {
    if (*p != '"') continue;
    out.append(run, p + 1);  // the quote, doubled by starting the next run at it
    run = p;
  }
  out.append(run, end);
  out.push_back('"');
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    append_csv_field(out, fields[i]);
  }
  out.append("\r\n");
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  size_t line = 1, quote_line = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      quote_line = line;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field.push_back(c);
      any = true;
    }
  }
  if (quoted)
    throw std::runtime_error("csv: quote opened on line " + std::to_string(quote_line) +
                             " is never closed");
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace ferry::io
