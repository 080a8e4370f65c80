// The csv/tsv tables of the WeNet reports, byte for byte as Python's csv writer makes them
// (default "excel" dialect, QUOTE_MINIMAL): cells joined by `,` (csv) or a tab (tsv), each row
// ended by `\r\n`; a cell is quoted only when it holds the delimiter, `"`, `\r` or `\n`, with
// `"` doubled inside; a row of one empty cell prints `""` (so it is not an empty line); a row
// of no cells is an empty line. Bytes pass through unchanged (UTF-8 in, UTF-8 out).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::wenet {

enum class TableFormat { kCsv, kTsv };

// The format a file name's extension asks for: `.csv` or `.tsv` (lower case, as the protocol
// names them); nullopt for any other extension, including none.
std::optional<TableFormat> table_format_for(std::string_view file_name);

// `csv` or `tsv`: the config value and the file extension (without the dot).
const char* table_format_name(TableFormat f);

// The format named `csv` or `tsv` (the `wenet.format` value, exact lower case); nullopt else.
std::optional<TableFormat> table_format_named(std::string_view name);

// One row's bytes, `\r\n` included.
std::string table_row(TableFormat f, const std::vector<std::string>& cells);

// Writes rows to a stream the caller owns (and checks for errors).
class TableWriter {
 public:
  TableWriter(std::ostream& out, TableFormat f) : out_(out), format_(f) {}
  void row(const std::vector<std::string>& cells) { out_ << table_row(format_, cells); }
  void empty_row() { out_ << "\r\n"; }

 private:
  std::ostream& out_;
  TableFormat format_;
};

// Splits csv/tsv text (the delimiter of `f`) into rows, as Python's csv reader does with the
// same dialect: quoted cells may hold delimiters, doubled quotes and line breaks; rows end at
// `\n`, `\r\n` or `\r`; a UTF-8 byte-order mark at the start is skipped; blank lines give no
// row. Throws std::runtime_error naming the line of an unterminated quote.
std::vector<std::vector<std::string>> parse_table(std::string_view text, TableFormat f);

}  // namespace ferry::wenet
