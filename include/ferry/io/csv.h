// CSV in the "excel" dialect users' tools expect: comma separated, `\r\n` line ends, a field
// quoted only when it holds a comma, a quote, CR or LF (quotes doubled). UTF-8 passes through.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry::io {

// Appends `field` to `out`, quoted when needed.
void append_csv_field(std::string& out, std::string_view field);

// Appends one record (fields joined by commas) and `\r\n` to `out`.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// Splits CSV text into records, honouring quotes (fields may hold newlines). Throws
// std::runtime_error naming the line of an unterminated quote. For tests and recovery.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

}  // namespace ferry::io
