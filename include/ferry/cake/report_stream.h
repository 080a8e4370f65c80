// Turns a Clicks or EventConversions reply (`{"d": {"clicks": [...], ...}}`) into CSV rows,
// reading it once, front to back, one row at a time: besides the output, memory holds one
// row's cells, whatever the number of rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/cake/columns.h"

namespace ferry::cake {

struct ConvertResult {
  int64_t rows = 0;                  // rows appended to `out` (0 after a failure)
  std::optional<int64_t> row_count;  // `d.row_count` (all rows matching) when the reply has it
  std::optional<Failure> failure;    // why the reply could not be converted
  bool ok() const { return !failure; }
};

// Appends one CSV record per row of `body` (no header; cells as columns.h says) to `out`, and
// each row's id (the `click_id` / `event_conversion_id` cell) to `ids` when given.
//
// Failures are values, never exceptions; `out` and `ids` are then left as they were:
// - the body is not complete, well-formed JSON (truncated, an error page, bad UTF-8):
//   transient, `cake: malformed Clicks response at byte N: <what>`;
// - the JSON is well-formed but wrong for a report (no `d` object, no rows array, a row that
//   is not an object, a date that is not a `/Date(…)/` value): permanent, same wording;
// - `d.success` is false: permanent, `cake: Clicks failed: <d.message>`.
// Fields other than `d` at the top and other than the rows array, `row_count`, `success` and
// `message` in `d` are ignored.
ConvertResult convert_report(Report report, std::string_view body, const CellRules& rules,
                             std::string& out, std::vector<std::string>* ids = nullptr);

}  // namespace ferry::cake
