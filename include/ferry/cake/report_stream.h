// Turns a Clicks or EventConversions reply (`{"d": {"clicks": [...], ...}}`) into CSV rows as
// it arrives, reading it once, front to back, one row at a time. Memory holds the row being
// read (or the value outside the rows array being read), at most kMaxUnitBytes of it, and up
// to kFlushBytes of converted records: never the whole reply, whatever its number of rows.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ferry/base/error.h"
#include "ferry/cake/columns.h"

namespace ferry::cake {

struct ConvertResult {
  int64_t rows = 0;                  // rows appended to the output (0 after a failure)
  std::optional<int64_t> row_count;  // `d.row_count` (all rows matching) when the reply has it
  std::optional<Failure> failure;    // why the reply could not be converted
  bool ok() const { return !failure; }
};

// Where converted records go: a reply's records are appended as they are converted, and cut
// off again when the reply turns out not to be usable (or, in RangeReader, not kept).
class RecordOutput {
 public:
  virtual ~RecordOutput() = default;
  // Appends CSV records. Throws OperationError (a local file that cannot be written).
  virtual void append(std::string_view records) = 0;
  // Bytes it holds, including what was there before the reply.
  virtual uint64_t size() const = 0;
  // Cuts it back to `size` bytes (at most size()). Throws OperationError.
  virtual void truncate_to(uint64_t size) = 0;
};

// A RecordOutput appending to a string (tests, benches). `s` must outlive it.
class StringOutput : public RecordOutput {
 public:
  explicit StringOutput(std::string& s) : s_(s) {}
  void append(std::string_view records) override { s_.append(records); }
  uint64_t size() const override { return s_.size(); }
  void truncate_to(uint64_t size) override { s_.resize(size); }

 private:
  std::string& s_;
};

// Converts one reply pushed to it in pieces of any size (as libcurl delivers them): feed()
// each piece in order, then finish(). One CSV record per row (no header; cells as columns.h
// says) goes to `out`, in batches of about kFlushBytes, from the size `out` had when the
// converter was made (its start).
//
// Failures are values; `out` is then cut back to its start:
// - the body is not complete, well-formed JSON (cut short, an error page, bad UTF-8):
//   transient, `cake: malformed Clicks response at byte N: <what>`;
// - the JSON is well-formed but wrong for a report (no `d` object, no rows array, a row that
//   is not an object, a date that is not a `/Date(…)/` value): permanent, same wording;
// - a row, or a value outside the rows array, longer than max_unit_bytes: permanent, same
//   wording, N where it starts (whatever the pieces, so the limit bounds memory);
// - `d.success` is false: permanent, `cake: Clicks failed: <d.message>`.
// Fields other than `d` at the top and other than the rows array, `row_count`, `success` and
// `message` in `d` are ignored. `out` may throw OperationError from feed(), finish() and
// restart(); the converter is then unusable.
class ReportConverter {
 public:
  static constexpr size_t kMaxUnitBytes = 1 << 20;
  static constexpr size_t kFlushBytes = 256 * 1024;

  // `rules` and `out` must outlive the converter.
  ReportConverter(Report report, const CellRules& rules, RecordOutput& out,
                  size_t max_unit_bytes = kMaxUnitBytes);
  ReportConverter(Report, CellRules&&, RecordOutput&, size_t = kMaxUnitBytes) = delete;
  ~ReportConverter();
  ReportConverter(const ReportConverter&) = delete;
  ReportConverter& operator=(const ReportConverter&) = delete;

  // Reads the next piece of the reply. Returns false once the reply cannot be converted
  // (failure() says why; later calls do nothing and return false).
  bool feed(std::string_view piece);
  // The reply has ended: returns the result (a reply cut short is a transient failure).
  ConvertResult finish();
  // Forgets the reply read so far and cuts `out` back to the start, for a reply sent again.
  void restart();

  const std::optional<Failure>& failure() const;
  // Rows converted so far.
  int64_t rows() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The whole reply at once: appends its records to `out`, which is left as it was after a
// failure.
ConvertResult convert_report(Report report, std::string_view body, const CellRules& rules,
                             std::string& out);

}  // namespace ferry::cake
