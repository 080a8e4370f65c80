// Base64 (RFC 4648, standard alphabet `A-Z a-z 0-9 + /`, `=` padding), as the MindTrails
// server writes its `*RSA` cells: padded, no line breaks.
#pragma once

#include <string>
#include <string_view>

namespace ferry::crypto {

// Returns `bytes` encoded as padded base64 on a single line.
std::string base64_encode(std::string_view bytes);

// Why a base64 text was refused, for error messages.
struct Base64Error {
  std::string message;  // e.g. "invalid character '#' at offset 12"
};

// Decodes strict base64: the length must be a multiple of 4, only the alphabet above is
// allowed (no whitespace, no line breaks, no URL-safe `-`/`_`), and `=` may appear only as
// one or two final padding characters. The empty text decodes to the empty string. Unused
// low bits of the last character are ignored. On success returns true and sets `out`;
// otherwise returns false, sets `error` and leaves `out` unspecified. Never throws except
// std::bad_alloc.
bool base64_decode(std::string_view text, std::string& out, Base64Error& error);

}  // namespace ferry::crypto
