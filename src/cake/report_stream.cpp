#include "ferry/cake/report_stream.h"

#include <algorithm>
#include <charconv>

#include "cake/json_scanner.h"
#include "cake/row_builder.h"

namespace ferry::cake {
namespace {

using detail::JsonScanner;
using detail::JsonToken;

enum class DField { kRows, kRowCount, kSuccess, kMessage, kOther };

// Where the reader is in `{"d": {..., "clicks": [row, ...], ...}}`.
enum class Phase { kStart, kTop, kD, kRows, kAfter };

// How reading one unit (a row, a member of `d` or of the top object, a bracket) went.
enum class Step { kRead, kStarved, kFailed, kEnd };

}  // namespace

// The reply is read unit by unit: the scanner saves its state before each unit, and a unit the
// input ends in the middle of is read again, whole, once the next piece has arrived. `buffer`
// holds the input from the start of that unit on, so its views stay valid while a row is built.
struct ReportConverter::Impl {
  Impl(Report r, const CellRules& cell_rules, RecordOutput& output, size_t max_unit)
      : report(r),
        rules(cell_rules),
        out(output),
        max_unit_bytes(max_unit),
        start(output.size()),
        builder(r, cell_rules) {}

  bool run();
  Step unit();
  Step read_start();
  Step read_top();
  Step read_d();
  Step read_row();
  Step read_after();
  Step scan_failed();
  Step failed(Failure f);
  Failure malformed(size_t at, const std::string& what, bool transient) const {
    std::string msg = "cake: malformed " + std::string(report_method(report)) +
                      " response at byte " + std::to_string(at) + ": " + what;
    return transient ? Failure::transient(msg) : Failure::permanent(msg);
  }
  // The unit read last (from the saved position, past separators), row `row` of the rows
  // array or a value elsewhere, is over the limit.
  Failure too_long(bool in_rows, int64_t row) const {
    std::string_view in = scanner.input();
    size_t from = scanner.saved_position(), at = from;
    while (at < in.size() &&
           (in[at] == ',' || in[at] == ' ' || in[at] == '\n' || in[at] == '\r' || in[at] == '\t'))
      ++at;
    std::string what = in_rows ? "row " + std::to_string(row) : "a value";
    return malformed(scanner.saved_offset() + (at - from),
                     what + " is longer than " + std::to_string(max_unit_bytes) +
                         " bytes, the limit for one row or value",
                     false);
  }
  DField field(std::string_view key) const {
    if (key == rows_field(report)) return DField::kRows;
    if (key == "row_count") return DField::kRowCount;
    if (key == "success") return DField::kSuccess;
    if (key == "message") return DField::kMessage;
    return DField::kOther;
  }

  const Report report;
  const CellRules& rules;
  RecordOutput& out;
  const size_t max_unit_bytes;
  const uint64_t start;  // out's size before the reply
  std::string buffer;    // input from the start of the unit being read
  std::string pending;   // records not yet appended to out
  JsonScanner scanner{std::string_view(), 512, false};
  detail::RowBuilder builder;
  Phase phase = Phase::kStart;
  ConvertResult result;
  bool saw_d = false, saw_rows = false, success = true;
  int64_t index = 0;  // of the next row in the rows array
  std::string message;
};

// Reads units until the input runs out (true) or the reply fails (false).
bool ReportConverter::Impl::run() {
  for (;;) {
    scanner.save();
    const bool in_rows = phase == Phase::kRows;
    const int64_t row = index;
    Step step = unit();
    if (step == Step::kStarved) {
      scanner.restore();
      if (scanner.input().size() - scanner.saved_position() <= max_unit_bytes) return true;
      failed(too_long(in_rows, row));
      return false;
    }
    if (step == Step::kFailed) return false;
    if (scanner.position() - scanner.saved_position() > max_unit_bytes) {
      failed(too_long(in_rows, row));
      return false;
    }
    if (step == Step::kEnd) return true;
  }
}

Step ReportConverter::Impl::unit() {
  switch (phase) {
    case Phase::kStart:
      return read_start();
    case Phase::kTop:
      return read_top();
    case Phase::kD:
      return read_d();
    case Phase::kRows:
      return read_row();
    case Phase::kAfter:
      return read_after();
  }
  return Step::kFailed;
}

Step ReportConverter::Impl::scan_failed() {
  if (scanner.starved()) return Step::kStarved;
  return failed(malformed(scanner.offset(), scanner.error(), true));
}

Step ReportConverter::Impl::failed(Failure f) {
  result = ConvertResult{0, std::nullopt, std::move(f)};
  pending.clear();
  buffer.clear();
  buffer.shrink_to_fit();
  if (out.size() > start) out.truncate_to(start);
  return Step::kFailed;
}

Step ReportConverter::Impl::read_start() {
  JsonToken t = scanner.next();
  if (t == JsonToken::kError) return scan_failed();
  if (t != JsonToken::kBeginObject)
    return failed(malformed(scanner.offset(), "expected a JSON object", false));
  phase = Phase::kTop;
  return Step::kRead;
}

// One member of the top object (the value skipped unless it is the first `d`), or its end.
Step ReportConverter::Impl::read_top() {
  JsonToken t = scanner.next();
  if (t == JsonToken::kEndObject) {
    phase = Phase::kAfter;
    return Step::kRead;
  }
  if (t == JsonToken::kError) return scan_failed();
  bool is_d = scanner.text() == "d";
  t = scanner.next();
  if (t == JsonToken::kError) return scan_failed();
  if (is_d && !saw_d) {
    if (t != JsonToken::kBeginObject)
      return failed(malformed(scanner.offset(), "\"d\" is not an object", false));
    saw_d = true;
    phase = Phase::kD;
    return Step::kRead;
  }
  return scanner.skip_value(t) ? Step::kRead : scan_failed();
}

// One member of `d`, or the opening of its rows array, or its end.
Step ReportConverter::Impl::read_d() {
  JsonToken t = scanner.next();
  if (t == JsonToken::kEndObject) {
    phase = Phase::kTop;
    return Step::kRead;
  }
  if (t == JsonToken::kError) return scan_failed();
  DField f = field(scanner.text());
  t = scanner.next();
  if (t == JsonToken::kError) return scan_failed();
  if (f == DField::kRows && t == JsonToken::kBeginArray) {
    saw_rows = true;
    index = 0;
    phase = Phase::kRows;
    return Step::kRead;
  }
  if (f == DField::kRows && t != JsonToken::kNull) {
    return failed(malformed(scanner.offset(),
                            "\"" + std::string(rows_field(report)) + "\" is not an array", false));
  }
  if (f == DField::kRowCount && t == JsonToken::kNumber && scanner.integer()) {
    int64_t n = 0;
    auto text = scanner.text();
    if (std::from_chars(text.data(), text.data() + text.size(), n).ec == std::errc())
      result.row_count = n;
  } else if (f == DField::kSuccess && (t == JsonToken::kTrue || t == JsonToken::kFalse)) {
    success = t == JsonToken::kTrue;
  } else if (f == DField::kMessage && t == JsonToken::kString) {
    message = std::string(scanner.text().substr(0, 300));
  } else if (!scanner.skip_value(t)) {
    return scan_failed();
  }
  return Step::kRead;
}

// One row of the rows array, or its end.
Step ReportConverter::Impl::read_row() {
  JsonToken t = scanner.next();
  if (t == JsonToken::kEndArray) {
    phase = Phase::kD;
    return Step::kRead;
  }
  if (t == JsonToken::kError) return scan_failed();
  if (t != JsonToken::kBeginObject) {
    return failed(
        malformed(scanner.offset(), "row " + std::to_string(index) + " is not an object", false));
  }
  if (!builder.read_row(scanner)) {
    if (builder.error().empty()) return scan_failed();
    return failed(malformed(builder.error_offset(),
                            "row " + std::to_string(index) + ": " + builder.error(), false));
  }
  builder.append_csv(pending);
  ++index;
  ++result.rows;
  return Step::kRead;
}

// After the top object: only whitespace, then the end of the input.
Step ReportConverter::Impl::read_after() {
  JsonToken t = scanner.next();
  if (t == JsonToken::kEnd) return Step::kEnd;
  return scan_failed();
}

ReportConverter::ReportConverter(Report report, const CellRules& rules, RecordOutput& out,
                                 size_t max_unit_bytes)
    : impl_(std::make_unique<Impl>(report, rules, out, max_unit_bytes)) {}

ReportConverter::~ReportConverter() = default;

// The piece is read where it is; only the unit the last piece ended in is completed in
// `buffer` (taking as few bytes of this piece as it needs), and the unit this piece ends in is
// copied there for the next one.
bool ReportConverter::feed(std::string_view piece) {
  Impl& m = *impl_;
  if (m.result.failure) return false;
  m.buffer.erase(0, m.scanner.saved_position());
  const size_t held = m.buffer.size();
  size_t taken = 0;
  m.scanner.refill(m.buffer, m.scanner.saved_position(), false);
  while (held > 0) {
    size_t more = std::min(piece.size() - taken, std::max<size_t>(4096, taken));
    m.buffer.append(piece.substr(taken, more));
    taken += more;
    m.scanner.refill(m.buffer, 0, false);
    if (!m.run()) return false;
    if (m.scanner.saved_position() >= held) break;  // the held unit is read: go on in `piece`
    if (taken == piece.size()) return true;         // all of it is held, still one unit
  }
  m.scanner.refill(piece, held, false);
  if (!m.run()) return false;
  size_t rest = m.scanner.saved_position();
  m.buffer.assign(piece.substr(rest));
  m.scanner.refill(m.buffer, rest, false);
  if (m.pending.size() >= kFlushBytes) {
    m.out.append(m.pending);
    m.pending.clear();
  }
  return true;
}

ConvertResult ReportConverter::finish() {
  Impl& m = *impl_;
  if (m.result.failure) return m.result;
  size_t done = m.scanner.saved_position();
  m.buffer.erase(0, done);
  m.scanner.refill(m.buffer, done, true);
  if (!m.run()) return m.result;
  size_t end = m.scanner.offset();
  std::string method(report_method(m.report));
  if (!m.saw_d) {
    m.failed(m.malformed(end, "no \"d\" object", false));
  } else if (!m.success) {
    m.failed(Failure::permanent("cake: " + method +
                                " failed: " + (m.message.empty() ? "no message" : m.message)));
  } else if (!m.saw_rows) {
    m.failed(
        m.malformed(end, "no \"" + std::string(rows_field(m.report)) + "\" array in \"d\"", false));
  } else if (!m.pending.empty()) {
    m.out.append(m.pending);
    m.pending.clear();
  }
  return m.result;
}

void ReportConverter::restart() {
  Impl& m = *impl_;
  if (m.out.size() > m.start) m.out.truncate_to(m.start);
  m.buffer.clear();
  m.pending.clear();
  m.scanner = JsonScanner(std::string_view(), 512, false);
  m.phase = Phase::kStart;
  m.result = ConvertResult{};
  m.saw_d = m.saw_rows = false;
  m.success = true;
  m.index = 0;
  m.message.clear();
}

const std::optional<Failure>& ReportConverter::failure() const {
  return impl_->result.failure;
}

int64_t ReportConverter::rows() const {
  return impl_->result.rows;
}

ConvertResult convert_report(Report report, std::string_view body, const CellRules& rules,
                             std::string& out) {
  StringOutput output(out);
  ReportConverter converter(report, rules, output);
  converter.feed(body);
  return converter.finish();
}

}  // namespace ferry::cake
