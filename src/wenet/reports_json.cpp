// The streamed JSON arrays of the tasks and messages dumps, written as Python's
// json.dump(value, f, indent=2, ensure_ascii=False) writes them (nlohmann's dump() differs on
// floats: it prints 1e15 as `1e+15` where Python prints `1000000000000000.0`).
#include <charconv>
#include <cmath>
#include <ostream>
#include <string>

#include "ferry/wenet/reports.h"

namespace ferry::wenet {

namespace {

void write_string(std::ostream& out, const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string buf;
  buf.reserve(s.size() + 2);
  buf.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        buf += "\\\"";
        break;
      case '\\':
        buf += "\\\\";
        break;
      case '\n':
        buf += "\\n";
        break;
      case '\r':
        buf += "\\r";
        break;
      case '\t':
        buf += "\\t";
        break;
      case '\b':
        buf += "\\b";
        break;
      case '\f':
        buf += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          buf += "\\u00";
          buf.push_back(kHex[(c >> 4) & 0xF]);
          buf.push_back(kHex[c & 0xF]);
        } else {
          buf.push_back(c);
        }
    }
  }
  buf.push_back('"');
  out << buf;
}

void write_indent(std::ostream& out, int depth) {
  out << '\n';
  for (int i = 0; i < depth; ++i) out << "  ";
}

void write_value(std::ostream& out, const nlohmann::json& v, int depth);

void write_object(std::ostream& out, const nlohmann::json& v, int depth) {
  if (v.empty()) {
    out << "{}";
    return;
  }
  out << '{';
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!first) out << ',';
    first = false;
    write_indent(out, depth + 1);
    write_string(out, it.key());
    out << ": ";
    write_value(out, it.value(), depth + 1);
  }
  write_indent(out, depth);
  out << '}';
}

void write_array(std::ostream& out, const nlohmann::json& v, int depth) {
  if (v.empty()) {
    out << "[]";
    return;
  }
  out << '[';
  bool first = true;
  for (const auto& item : v) {
    if (!first) out << ',';
    first = false;
    write_indent(out, depth + 1);
    write_value(out, item, depth + 1);
  }
  write_indent(out, depth);
  out << ']';
}

void write_value(std::ostream& out, const nlohmann::json& v, int depth) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      write_object(out, v, depth);
      break;
    case nlohmann::json::value_t::array:
      write_array(out, v, depth);
      break;
    case nlohmann::json::value_t::string:
      write_string(out, v.get_ref<const std::string&>());
      break;
    case nlohmann::json::value_t::boolean:
      out << (v.get<bool>() ? "true" : "false");
      break;
    case nlohmann::json::value_t::number_integer:
      out << v.get<int64_t>();
      break;
    case nlohmann::json::value_t::number_unsigned:
      out << v.get<uint64_t>();
      break;
    case nlohmann::json::value_t::number_float:
      out << python_float(v.get<double>());
      break;
    default:
      out << "null";
      break;  // null, binary, discarded
  }
}

}  // namespace

std::string python_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // [-]d[.ddd]e(+|-)dd, shortest round trip
  std::string sign = sci[0] == '-' ? "-" : "";
  if (!sign.empty()) sci.erase(0, 1);
  size_t e_pos = sci.find('e');
  int exp = std::stoi(sci.substr(e_pos + 1));
  std::string digits = sci.substr(0, 1) + (e_pos > 2 ? sci.substr(2, e_pos - 2) : "");
  int n = static_cast<int>(digits.size());
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return sign + "0." + std::string(-exp - 1, '0') + digits;
    if (n <= exp + 1) return sign + digits + std::string(exp + 1 - n, '0') + ".0";
    return sign + digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
  }
  std::string mantissa = digits.substr(0, 1) + (n > 1 ? "." + digits.substr(1) : "");
  std::string e = std::to_string(exp < 0 ? -exp : exp);
  if (e.size() < 2) e = "0" + e;
  return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + e;
}

void JsonArrayWriter::add(const nlohmann::json& item) {
  out_ << (count_ == 0 ? "[\n  " : ",\n  ");
  ++count_;
  write_value(out_, item, 1);
}

void JsonArrayWriter::end() {
  out_ << (count_ == 0 ? "[]" : "\n]");
}

}  // namespace ferry::wenet
