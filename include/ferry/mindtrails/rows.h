// MindTrails replies: a table download is one JSON array of flat objects (rows). Rows are
// parsed into cells that keep what the CSV needs: numbers exactly as the JSON wrote them,
// nested objects and arrays as compact JSON, strings decoded. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::mindtrails {

enum class CellKind { kNull, kBool, kNumber, kString, kNested };

struct Cell {
  CellKind kind = CellKind::kNull;
  std::string text;  // "" for null; true/false; the number's JSON text; the string; compact JSON
};

struct Row {
  std::vector<std::pair<std::string, Cell>>
      fields;                 // in reply order; a repeated key keeps the last
  std::optional<int64_t> id;  // `id` when it is an integer (number or digit string)

  const Cell* find(const std::string& key) const;
  // The row's keys sorted by code point (byte order of UTF-8): the CSV header it needs.
  std::vector<std::string> sorted_keys() const;
};

struct ParsedRows {
  std::vector<Row> rows;
  std::string error;  // empty when the body was a JSON array of objects
  bool ok() const { return error.empty(); }
};

// Parses a table reply. A body that is not a JSON array of objects (truncated, HTML, a
// number) gives `error` naming what was wrong and where, never an exception.
ParsedRows parse_rows(std::string_view body);

// True for field names ending in `RSA` (case-sensitive): the encrypted ones.
bool is_encrypted_field(const std::string& key);

// A header as stored in state (a JSON array of names) and back. parse returns nullopt for
// text that is not an array of strings.
std::string header_json(const std::vector<std::string>& header);
std::optional<std::vector<std::string>> parse_header_json(const std::string& text);

// The CSV record of `row` under `header` (a key the row lacks gives an empty cell).
std::vector<std::string> csv_fields(const Row& row, const std::vector<std::string>& header);

// Whether a reply is a snapshot: it has rows and none of them has an integer id.
bool is_snapshot(const std::vector<Row>& rows);
// The whole CSV of a snapshot (`rows` not empty): the header is the first row's keys sorted,
// with keys only later rows have sorted in (so no cell is dropped), then every row in order.
std::string snapshot_csv(const std::vector<Row>& rows);

}  // namespace ferry::mindtrails
