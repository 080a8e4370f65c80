// Sizes in bytes as operators write them in the config: `1GiB`, `500MB`, `4096`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// A whole number, optionally followed by a unit: B, KB/MB/GB/TB (powers of 1000) or
// KiB/MiB/GiB/TiB (powers of 1024); case-insensitive, spaces around the unit allowed.
// nullopt for anything else, a fraction, or a value that does not fit in 64 bits.
std::optional<uint64_t> parse_byte_size(std::string_view text);

// `512 B`, `1.5 KiB`, `12.0 MiB`, `1.00 GiB`: binary units, three significant digits.
std::string format_byte_size(uint64_t bytes);

}  // namespace ferry
