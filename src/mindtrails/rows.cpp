#include "ferry/mindtrails/rows.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "ferry/base/text.h"
#include "ferry/io/csv.h"

namespace ferry::mindtrails {
namespace {

using nlohmann::json;

// Builds rows from SAX events. Depth 0 is the reply array, depth 1 a row object, depth 2 a
// field value; containers below a field are written out as compact JSON text.
class RowsBuilder : public nlohmann::json_sax<json> {
 public:
  std::vector<Row> rows;
  std::string error;

  bool null() override { return scalar(CellKind::kNull, ""); }
  bool boolean(bool v) override { return scalar(CellKind::kBool, v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override {
    return scalar(CellKind::kNumber, std::to_string(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return scalar(CellKind::kNumber, std::to_string(v));
  }
  bool number_float(number_float_t, const string_t& s) override {
    return scalar(CellKind::kNumber, s);
  }
  bool string(string_t& v) override {
    if (nested_depth_ > 0) return scalar(CellKind::kString, json(v).dump());
    return scalar(CellKind::kString, v);
  }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }

  bool start_object(std::size_t) override {
    if (depth_ == 0) return fail("the reply is an object, not an array of rows");
    if (depth_ == 1) {
      rows.emplace_back();
      ++depth_;
      return true;
    }
    return open_nested('{');
  }
  bool key(string_t& k) override {
    if (nested_depth_ > 0) {
      separate();
      nested_ += json(k).dump() + ":";
      after_key_ = true;
      return true;
    }
    key_ = k;
    return true;
  }
  bool end_object() override {
    if (nested_depth_ > 0) return close_nested('}');
    --depth_;
    finish_row(rows.back());
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) {
      ++depth_;
      return true;
    }
    if (depth_ == 1)
      return fail("row " + std::to_string(rows.size() + 1) + " is an array, not an object");
    return open_nested('[');
  }
  bool end_array() override {
    if (nested_depth_ > 0) return close_nested(']');
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    if (error.empty())
      error = "not valid JSON at byte " + std::to_string(position) + ": " + e.what();
    return false;
  }

 private:
  bool fail(std::string why) {
    if (error.empty()) error = std::move(why);
    return false;
  }
  // Adds a comma before the next element of the nested container being written.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty() && !first_.back()) nested_ += ",";
    if (!first_.empty()) first_.back() = false;
  }
  bool scalar(CellKind kind, const std::string& text) {
    if (depth_ == 0) return fail("the reply is a single value, not an array of rows");
    if (depth_ == 1)
      return fail("row " + std::to_string(rows.size() + 1) + " is a single value, not an object");
    if (nested_depth_ > 0) {
      separate();
      nested_ += kind == CellKind::kNull ? "null" : text;
      return true;
    }
    set_field(Cell{kind, text});
    return true;
  }
  bool open_nested(char c) {
    if (nested_depth_ > 0) separate();
    nested_ += c;
    first_.push_back(true);
    ++nested_depth_;
    return true;
  }
  bool close_nested(char c) {
    nested_ += c;
    first_.pop_back();
    if (--nested_depth_ == 0) {
      set_field(Cell{CellKind::kNested, nested_});
      nested_.clear();
    }
    return true;
  }
  void set_field(Cell cell) {
    auto& fields = rows.back().fields;
    for (auto& f : fields)
      if (f.first == key_) {
        f.second = std::move(cell);
        return;
      }
    fields.emplace_back(key_, std::move(cell));
  }
  static void finish_row(Row& row) {
    const Cell* id = row.find("id");
    if (!id || (id->kind != CellKind::kNumber && id->kind != CellKind::kString)) return;
    if (auto n = parse_int64(id->text)) row.id = *n;
  }

  int depth_ = 0;         // 0 outside the array, 1 inside it, 2 inside a row
  int nested_depth_ = 0;  // containers open below a field
  std::string key_;
  std::string nested_;
  std::vector<bool> first_;  // per open nested container: no element written yet
  bool after_key_ = false;
};

}  // namespace

const Cell* Row::find(const std::string& key) const {
  for (const auto& f : fields)
    if (f.first == key) return &f.second;
  return nullptr;
}

std::vector<std::string> Row::sorted_keys() const {
  std::vector<std::string> keys;
  keys.reserve(fields.size());
  for (const auto& f : fields) keys.push_back(f.first);
  std::sort(keys.begin(), keys.end());
  return keys;
}

ParsedRows parse_rows(std::string_view body) {
  RowsBuilder builder;
  bool ok = false;
  try {
    ok = json::sax_parse(body.begin(), body.end(), &builder);
  } catch (const std::exception& e) {  // a nested string with invalid UTF-8 cannot be dumped
    if (builder.error.empty()) builder.error = e.what();
  }
  ParsedRows out;
  if (!ok) {
    out.error = builder.error.empty() ? "not a JSON array of rows" : builder.error;
    return out;
  }
  out.rows = std::move(builder.rows);
  return out;
}

bool is_encrypted_field(const std::string& key) {
  return key.size() >= 3 && key.compare(key.size() - 3, 3, "RSA") == 0;
}

std::string header_json(const std::vector<std::string>& header) {
  return json(header).dump();
}

std::optional<std::vector<std::string>> parse_header_json(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : doc) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::string> csv_fields(const Row& row, const std::vector<std::string>& header) {
  std::vector<std::string> out;
  out.reserve(header.size());
  for (const auto& key : header) {
    const Cell* c = row.find(key);
    out.push_back(c ? c->text : std::string());
  }
  return out;
}

bool is_snapshot(const std::vector<Row>& rows) {
  return !rows.empty() &&
         std::none_of(rows.begin(), rows.end(), [](const Row& r) { return r.id.has_value(); });
}

std::string snapshot_csv(const std::vector<Row>& rows) {
  std::vector<std::string> header = rows.front().sorted_keys();
  bool widened = false;
  for (const auto& row : rows)
    for (const auto& field : row.fields)
      if (std::find(header.begin(), header.end(), field.first) == header.end()) {
        header.push_back(field.first);
        widened = true;
      }
  if (widened) std::sort(header.begin(), header.end());
  std::string text;
  io::append_csv_row(text, header);
  for (const auto& row : rows) io::append_csv_row(text, csv_fields(row, header));
  return text;
}

}  // namespace ferry::mindtrails
