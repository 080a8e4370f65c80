#include "ferry/sql/connection.h"
#include "ferry/sql/statement.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "ferry/base/text.h"

namespace ferry::sql {

std::string to_text(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return std::get<std::string>(v);
}

void Connection::run(const std::string& sql, const std::vector<Value>& params) {
  query(sql, params, [](const Row&) {});
}

Value Connection::scalar(const std::string& sql, const std::vector<Value>& params) {
  Value out;
  bool first = true;
  query(sql, params, [&](const Row& r) {
    if (first && !r.empty()) out = r[0];
    first = false;
  });
  return out;
}

std::string mask_url(const std::string& url) {
  std::string out = mask_url_password(url);  // user:password@ in the URL form
  // A query parameter (…?password=x&…) or the key=value form (password=x host=…).
  for (std::size_t p = out.find("password="); p != std::string::npos;
       p = out.find("password=", p + 1)) {
    auto value = p + 9;
    auto end = out.find_first_of(" &", value);
    if (end == std::string::npos) end = out.size();
    out.replace(value, end - value, "********");
  }
  return out;
}

std::string first_line(const std::string& sql) {
  auto start = sql.find_first_not_of(" \n\t");
  if (start == std::string::npos) return "";
  auto end = sql.find('\n', start);
  return sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string numbered_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or a quoted name: copied to its closing quote
      auto end = sql.find(c, i + 1);
      while (end != std::string::npos && end + 1 < sql.size() && sql[end + 1] == c)
        end = sql.find(c, end + 2);  // a doubled quote is part of the text
      end = end == std::string::npos ? sql.size() - 1 : end;
      out.append(sql, i, end - i + 1);
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // comment to line end
      auto end = sql.find('\n', i);
      end = end == std::string::npos ? sql.size() - 1 : end;
      out.append(sql, i, end - i + 1);
      i = end;
    } else if (c == '?' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      std::size_t end = i + 1;  // ?NNN: parameter NNN; a bare ? after it is the next one
      while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
      out += '$';
      out.append(sql, i + 1, end - i - 1);
      n = std::max(n, std::atoi(sql.c_str() + i + 1));
      i = end - 1;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

std::string quote_name(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string insert_statement(const std::string& table, const std::vector<std::string>& columns) {
  std::string names, marks;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    names += (i ? ", " : "") + quote_name(columns[i]);
    marks += i ? ", ?" : "?";
  }
  return "INSERT INTO " + quote_name(table) + " (" + names + ") VALUES (" + marks + ")";
}

void append_copy_line(const Row& row, std::string& out) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) out += '\t';
    if (std::holds_alternative<std::monostate>(row[i])) {
      out += "\\N";
      continue;
    }
    for (char c : to_text(row[i])) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out += c;
      }
    }
  }
  out += '\n';
}

int64_t Statement::inserted_id() {
  if (!step()) throw Error("an INSERT … RETURNING id returned no row");
  int64_t id = column(0).int64();
  run();
  return id;
}

int64_t Field::int64() const {
  if (const auto* i = std::get_if<int64_t>(&v_)) return *i;
  if (const auto* d = std::get_if<double>(&v_)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v_)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

double Field::real() const {
  if (const auto* d = std::get_if<double>(&v_)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&v_)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

std::string Field::text() const {
  if (const auto* d = std::get_if<double>(&v_)) {  // as SQLite prints a REAL: 15 digits
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", *d);
    std::string s = buf;
    if (s.find_first_of(".eEni") == std::string::npos) s += ".0";
    return s;
  }
  return to_text(v_);
}

}  // namespace ferry::sql
