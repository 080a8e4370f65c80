#include "ferry/base/scrub.h"

#include <algorithm>
#include <utility>

namespace ferry {
namespace {

constexpr std::string_view kMask = "********";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether text[p..p+n) is `n` hex digits (either case) whose value is `value`.
bool hex_at(std::string_view text, size_t p, size_t n, unsigned value) {
  if (p + n > text.size()) return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; ++i) {
    int h = hex_value(text[p + i]);
    if (h < 0) return false;
    v = v * 16 + static_cast<unsigned>(h);
  }
  return v == value;
}

bool starts(std::string_view text, size_t p, std::string_view form) {
  return text.substr(p, form.size()) == form;
}

// The JSON short escape of `c` (`\n` for a newline), or 0 when it has none.
char json_short_escape(unsigned char c) {
  switch (c) {
    case '\b':
      return 'b';
    case '\f':
      return 'f';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    case '\t':
      return 't';
    default:
      return 0;
  }
}

// Appends to `ends` the end of every form of byte `c` that starts at text[p].
void match_byte(std::string_view text, size_t p, unsigned char c, std::vector<size_t>& ends) {
  if (p >= text.size()) return;
  if (static_cast<unsigned char>(text[p]) == c) ends.push_back(p + 1);
  if (text[p] == '%' && hex_at(text, p + 1, 2, c)) ends.push_back(p + 3);
  if (c == ' ' && text[p] == '+') ends.push_back(p + 1);
  if (text[p] != '\\') return;
  if (c < 0x80 && starts(text, p, "\\u") && hex_at(text, p + 2, 4, c)) ends.push_back(p + 6);
  if (char e = json_short_escape(c); e && starts(text, p, std::string{'\\', e}))
    ends.push_back(p + 2);
  if (c == '/' && starts(text, p, "\\/")) ends.push_back(p + 2);
  if (c == '"') {
    if (starts(text, p, "\\\"")) ends.push_back(p + 2);
    if (starts(text, p, "\\\\\\\"")) ends.push_back(p + 4);
  }
  if (c == '\\') {
    if (starts(text, p, "\\\\")) ends.push_back(p + 2);
    if (starts(text, p, "\\\\\\\\")) ends.push_back(p + 4);
  }
}

// The end of the longest occurrence of `secret`, in any mix of its forms, starting at
// text[start]; 0 when there is none. Every position a prefix can reach is followed, so a form
// that is a prefix of another (`\\` and `\\\\`) never hides a match.
size_t match_at(std::string_view text, size_t start, const std::string& secret) {
  char first = text[start];
  if (first != secret[0] && first != '%' && first != '\\' && first != '+') return 0;
  std::vector<size_t> at{start}, next;
  for (char ch : secret) {
    next.clear();
    for (size_t p : at) match_byte(text, p, static_cast<unsigned char>(ch), next);
    if (next.empty()) return 0;
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    std::swap(at, next);
  }
  return at.back();
}

}  // namespace

void Scrubber::add(const std::vector<std::string>& secrets) {
  for (const auto& s : secrets)
    if (s.size() >= kMinLength && std::find(secrets_.begin(), secrets_.end(), s) == secrets_.end())
      secrets_.push_back(s);
}

std::string Scrubber::operator()(std::string_view text) const {
  std::vector<std::pair<size_t, size_t>> spans;  // [begin, end) of each occurrence
  for (size_t i = 0; i < text.size() && !secrets_.empty(); ++i) {
    size_t end = 0;
    for (const auto& s : secrets_) end = std::max(end, match_at(text, i, s));
    if (end > i) spans.emplace_back(i, end);
  }
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t k = 0; k < spans.size();) {
    size_t begin = spans[k].first, end = spans[k].second;
    // Spans start in increasing order; merge those that overlap this one.
    for (++k; k < spans.size() && spans[k].first < end; ++k) end = std::max(end, spans[k].second);
    out.append(text.substr(copied, begin - copied));
    out.append(kMask);
    copied = end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace ferry
