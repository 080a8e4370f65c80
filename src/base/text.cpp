#include "ferry/base/text.h"

#include <charconv>

namespace ferry {

std::optional<int64_t> parse_int64(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::string mask_url_password(std::string text) {
  auto scheme = text.find("://");
  if (scheme == std::string::npos) return text;
  auto end = text.find_first_of("/?#", scheme + 3);
  auto at = text.rfind('@', end == std::string::npos ? text.size() : end);
  auto colon = text.find(':', scheme + 3);
  if (at != std::string::npos && at > scheme && colon != std::string::npos && colon < at)
    text.replace(colon + 1, at - colon - 1, "********");
  return text;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string trim(std::string_view text) {
  const char* blanks = " \t\r\n";
  size_t b = text.find_first_not_of(blanks);
  if (b == std::string_view::npos) return "";
  return std::string(text.substr(b, text.find_last_not_of(blanks) - b + 1));
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace ferry
