#include "ferry/cake/report_stream.h"

#include <charconv>

#include "cake/json_scanner.h"
#include "cake/row_builder.h"

namespace ferry::cake {
namespace {

using detail::JsonScanner;
using detail::JsonToken;

enum class DField { kRows, kRowCount, kSuccess, kMessage, kOther };

class ReplyReader {
 public:
  ReplyReader(Report report, std::string_view body, const CellRules& rules, std::string& out,
              std::vector<std::string>* ids)
      : report_(report), scanner_(body), builder_(report, rules), out_(out), ids_(ids) {}

  ConvertResult read();

 private:
  Failure malformed(size_t at, const std::string& what, bool transient) const {
    std::string msg = "cake: malformed " + std::string(report_method(report_)) +
                      " response at byte " + std::to_string(at) + ": " + what;
    return transient ? Failure::transient(msg) : Failure::permanent(msg);
  }
  Failure scan_failed() const { return malformed(scanner_.offset(), scanner_.error(), true); }
  std::optional<Failure> read_d();
  std::optional<Failure> read_rows();
  DField field(std::string_view key) const {
    if (key == rows_field(report_)) return DField::kRows;
    if (key == "row_count") return DField::kRowCount;
    if (key == "success") return DField::kSuccess;
    if (key == "message") return DField::kMessage;
    return DField::kOther;
  }

  Report report_;
  JsonScanner scanner_;
  detail::RowBuilder builder_;
  std::string& out_;
  std::vector<std::string>* ids_;
  ConvertResult result_;
  bool saw_d_ = false, saw_rows_ = false, success_ = true;
  std::string message_;
};

ConvertResult ReplyReader::read() {
  JsonToken t = scanner_.next();
  if (t == JsonToken::kError) return {0, {}, scan_failed()};
  if (t != JsonToken::kBeginObject)
    return {0, {}, malformed(scanner_.offset(), "expected a JSON object", false)};
  for (;;) {
    t = scanner_.next();
    if (t == JsonToken::kEndObject) break;
    if (t == JsonToken::kError) return {0, {}, scan_failed()};
    bool is_d = scanner_.text() == "d";
    t = scanner_.next();
    if (is_d && !saw_d_) {
      saw_d_ = true;
      size_t at = scanner_.offset();
      if (t == JsonToken::kError) return {0, {}, scan_failed()};
      if (t != JsonToken::kBeginObject)
        return {0, {}, malformed(at, "\"d\" is not an object", false)};
      if (auto failure = read_d()) return {0, {}, failure};
    } else if (!scanner_.skip_value(t)) {
      return {0, {}, scan_failed()};
    }
  }
  if (scanner_.next() != JsonToken::kEnd) return {0, {}, scan_failed()};
  size_t end = scanner_.offset();
  std::string rows_name(rows_field(report_));
  if (!saw_d_) return {0, {}, malformed(end, "no \"d\" object", false)};
  if (!success_) {
    return {0,
            {},
            Failure::permanent("cake: " + std::string(report_method(report_)) +
                               " failed: " + (message_.empty() ? "no message" : message_))};
  }
  if (!saw_rows_) return {0, {}, malformed(end, "no \"" + rows_name + "\" array in \"d\"", false)};
  return result_;
}

std::optional<Failure> ReplyReader::read_d() {
  for (;;) {
    JsonToken t = scanner_.next();
    if (t == JsonToken::kEndObject) return std::nullopt;
    if (t == JsonToken::kError) return scan_failed();
    DField f = field(scanner_.text());
    t = scanner_.next();
    if (t == JsonToken::kError) return scan_failed();
    if (f == DField::kRows && t == JsonToken::kBeginArray) {
      saw_rows_ = true;
      if (auto failure = read_rows()) return failure;
      continue;
    }
    if (f == DField::kRows && t != JsonToken::kNull) {
      return malformed(scanner_.offset(),
                       "\"" + std::string(rows_field(report_)) + "\" is not an array", false);
    }
    if (f == DField::kRowCount && t == JsonToken::kNumber && scanner_.integer()) {
      int64_t n = 0;
      auto text = scanner_.text();
      if (std::from_chars(text.data(), text.data() + text.size(), n).ec == std::errc())
        result_.row_count = n;
    } else if (f == DField::kSuccess && (t == JsonToken::kTrue || t == JsonToken::kFalse)) {
      success_ = t == JsonToken::kTrue;
    } else if (f == DField::kMessage && t == JsonToken::kString) {
      message_ = std::string(scanner_.text().substr(0, 300));
    } else if (!scanner_.skip_value(t)) {
      return scan_failed();
    }
  }
}

std::optional<Failure> ReplyReader::read_rows() {
  for (int64_t index = 0;; ++index) {
    JsonToken t = scanner_.next();
    if (t == JsonToken::kEndArray) return std::nullopt;
    if (t == JsonToken::kError) return scan_failed();
    if (t != JsonToken::kBeginObject) {
      return malformed(scanner_.offset(), "row " + std::to_string(index) + " is not an object",
                       false);
    }
    if (!builder_.read_row(scanner_)) {
      if (builder_.error().empty()) return scan_failed();
      return malformed(builder_.error_offset(),
                       "row " + std::to_string(index) + ": " + builder_.error(), false);
    }
    builder_.append_csv(out_);
    if (ids_) ids_->push_back(builder_.cells().front());
    ++result_.rows;
  }
}

}  // namespace

ConvertResult convert_report(Report report, std::string_view body, const CellRules& rules,
                             std::string& out, std::vector<std::string>* ids) {
  size_t out_size = out.size();
  size_t ids_size = ids ? ids->size() : 0;
  ReplyReader reader(report, body, rules, out, ids);
  ConvertResult result = reader.read();
  if (result.failure) {
    out.resize(out_size);
    if (ids) ids->resize(ids_size);
    result.rows = 0;
  }
  return result;
}

}  // namespace ferry::cake
