// Internal to the CAKE reports: the column table and the reader that turns one row object,
// read from a JsonScanner, into cells. Used by columns.cpp (one parsed row) and
// report_stream.cpp (whole replies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cake/json_scanner.h"
#include "ferry/cake/columns.h"

namespace ferry::cake::detail {

enum class CellKind : uint8_t { kText, kDate, kCurrency, kClickToConversion };

struct ColumnSpec {
  const char* header;
  const char* path;  // dotted JSON path from the row object; "" for the computed column
  CellKind kind;
};

// The columns of `report`, in order.
const std::vector<ColumnSpec>& column_specs(Report report);

struct FieldNode;
struct FieldTree;

class RowBuilder {
 public:
  // `rules` must outlive the builder.
  RowBuilder(Report report, const CellRules& rules);

  // Reads the row object whose '{' `scanner` has just returned, through its '}'. Returns false
  // when the scanner failed (scanner.error() says why; error() is empty) or a value is bad
  // (error() names the field and value; error_offset() is where the value starts).
  bool read_row(JsonScanner& scanner);

  // The cells of the row last read, in column order; the first is the row's id.
  const std::vector<std::string>& cells() const { return cells_; }
  // Appends the cells as one CSV record with `\r\n`.
  void append_csv(std::string& out) const;

  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  struct SeenKey {
    std::string key;
    const FieldNode* node;  // nullptr: a key the columns do not use
  };
  const FieldNode* lookup(const FieldNode& node, size_t place, std::string_view key);
  bool read_object(JsonScanner& s, const FieldNode& node);
  bool set_leaf(JsonScanner& s, const FieldNode& leaf, JsonToken t);
  bool bad_value(JsonScanner& s, const FieldNode& leaf, JsonToken t);

  const FieldTree& tree_;
  const CellRules& rules_;
  std::vector<std::string> cells_;
  std::optional<int64_t> click_ms_, conversion_ms_;
  std::vector<std::vector<SeenKey>> seen_;  // per node of the field tree: keys by place
  std::string error_;
  size_t error_offset_ = 0;
};

}  // namespace ferry::cake::detail
