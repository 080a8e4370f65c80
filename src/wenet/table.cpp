#include "ferry/wenet/table.h"

#include <stdexcept>

namespace ferry::wenet {

namespace {

char delimiter(TableFormat f) {
  return f == TableFormat::kCsv ? ',' : '\t';
}

void append_cell(std::string& out, std::string_view cell, char delim) {
  bool plain = true;
  for (char c : cell) {
    if (c == delim || c == '"' || c == '\r' || c == '\n') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::optional<TableFormat> table_format_for(std::string_view file_name) {
  auto ends_with = [&](std::string_view ext) {
    return file_name.size() > ext.size() && file_name.substr(file_name.size() - ext.size()) == ext;
  };
  if (ends_with(".csv")) return TableFormat::kCsv;
  if (ends_with(".tsv")) return TableFormat::kTsv;
  return std::nullopt;
}

const char* table_format_name(TableFormat f) {
  return f == TableFormat::kCsv ? "csv" : "tsv";
}

std::optional<TableFormat> table_format_named(std::string_view name) {
  if (name == "csv") return TableFormat::kCsv;
  if (name == "tsv") return TableFormat::kTsv;
  return std::nullopt;
}

std::string table_row(TableFormat f, const std::vector<std::string>& cells) {
  std::string out;
  if (cells.size() == 1 && cells[0].empty()) {
    out = "\"\"";  // Python quotes a lone empty field so the row is not an empty line
  } else {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out.push_back(delimiter(f));
      append_cell(out, cells[i], delimiter(f));
    }
  }
  out.append("\r\n");
  return out;
}

std::vector<std::vector<std::string>> parse_table(std::string_view text, TableFormat f) {
  const char delim = delimiter(f);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  size_t line = 1, quote_line = 0;
  auto end_row = [&] {
    if (any || !row.empty()) {
      row.push_back(std::move(cell));
      rows.push_back(std::move(row));
    }
    row.clear();
    cell.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
      quote_line = line;
      any = true;
    } else if (c == delim) {
      row.push_back(std::move(cell));
      cell.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_row();
    } else {
      cell.push_back(c);
      any = true;
    }
  }
  if (quoted)
    throw std::runtime_error("unterminated quote starting on line " + std::to_string(quote_line));
  end_row();
  return rows;
}

}  // namespace ferry::wenet
