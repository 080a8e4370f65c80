// Small text helpers shared by every folder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// The whole of `text` as a decimal int64 (optional leading '-'); nullopt for anything else:
// empty text, other characters, leading '+' or spaces, or a value out of range.
std::optional<int64_t> parse_int64(std::string_view text);

// `text` with the password of a URL's user-info masked: `smtp://u:pw@host/x` becomes
// `smtp://u:********@host/x`. Text without `scheme://user:password@` comes back unchanged.
std::string mask_url_password(std::string text);

// `text` without leading and trailing blanks (space, tab, CR, LF).
std::string trim(std::string_view text);

// Whether `text` begins with `prefix`.
bool starts_with(std::string_view text, std::string_view prefix);

// `text` with ASCII letters in lower case; other bytes unchanged.
std::string lower(std::string_view text);

}  // namespace ferry
