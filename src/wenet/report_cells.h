// Helpers shared by the report writers (private to src/wenet/).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/wenet/reports.h"

namespace ferry::wenet {

// The report's first rows: `app id` (when with_app_id), then `from` and `to` when h.has_window.
void write_header_rows(TableWriter& t, const ReportHeader& h, bool with_app_id);

// obj[key] when obj is an object holding it, else nullptr.
const nlohmann::json* member(const nlohmann::json& obj, const char* key);

// The value as a cell: a string as is, a number or boolean as JSON text, null or missing "".
std::string cell_text(const nlohmann::json* value);

// The string at obj[key], or "" when missing, null or not a string.
std::string string_member(const nlohmann::json& obj, const char* key);

}  // namespace ferry::wenet
