// Small text helpers shared by every folder.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferry {

// The whole of `text` as a decimal int64 (optional leading '-'); nullopt for anything else:
// empty text, other characters, leading '+' or spaces, or a value out of range.
std::optional<int64_t> parse_int64(std::string_view text);

}  // namespace ferry
