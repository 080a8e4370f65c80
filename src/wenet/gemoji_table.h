// GitHub's emoji short codes (gemoji), generated into gemoji_table.cpp by
// test/scripts/gen_gemoji.js. Sorted by byte order of `name`, no duplicates.
#pragma once

#include <cstddef>

namespace ferry::wenet {

struct GemojiEntry {
  const char* name;   // short code without colons: `thumbsup`, `+1`
  const char* emoji;  // UTF-8
};

extern const GemojiEntry kGemojiTable[];
extern const std::size_t kGemojiCount;

}  // namespace ferry::wenet
