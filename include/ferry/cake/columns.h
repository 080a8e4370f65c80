// The CSV columns of the two CAKE reports, in the documented order with the old tools' exact
// header text, and the rules that turn one report row (a JSON object) into cells.
//
// Cell rules (shared with report_stream.h): a missing field, a null object on the way to it
// or a null value gives an empty cell; strings are written as they are; `true`/`false` as
// `True`/`False`; numbers in plain decimal form (as written in the JSON; an exponent such as
// `1.5E-05` is expanded to `0.000015`); currency ids become the abbreviation from the
// Currencies table (an unknown id gives an empty cell); `/Date(…)/` values are written as
// `DD-MM-YYYYTHH:MM:SS.ffffff` in the configured zone (an empty string gives an empty cell,
// anything else is an error). Unknown fields, and objects or arrays where a value is expected
// (or values where an object is expected), are ignored.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ferry/base/zone.h"

namespace ferry::cake {

enum class Report { kClicks, kConversions };

// Currency abbreviation by currency id written as text (`"1"` → `"USD"`).
using CurrencyMap = std::unordered_map<std::string, std::string>;

// What the cells depend on besides the row itself.
struct CellRules {
  TimeZone zone;  // UTC unless set
  CurrencyMap currencies;
};

// `Clicks` or `EventConversions`: the API method, also used in messages.
std::string_view report_method(Report report);
// The array under `d` that holds the rows: `clicks` or `event_conversions`.
std::string_view rows_field(Report report);
// The field that identifies a row: `click_id` or `event_conversion_id` (the first column).
std::string_view id_field(Report report);

// The header texts: 43 for clicks, 50 for conversions.
const std::vector<std::string>& report_headers(Report report);
// Appends the header row (with `\r\n`) to `out`.
void append_header_row(Report report, std::string& out);

// The cells of one row given as a parsed JSON object, in header order. Throws
// std::invalid_argument naming the field when a date is not a `/Date(…)/` value or `row` is
// not an object. Meant for tests and small inputs; replies are converted with
// convert_report() (report_stream.h), which gives the same cells except for fractional
// numbers: a parsed json kept only their double, written here in its shortest form
// (`-2.5e+2` gives `-250.0` here, `-250` there).
std::vector<std::string> row_cells(Report report, const nlohmann::json& row,
                                   const CellRules& rules);

// Appends `number` (a JSON number as written) in plain decimal form: as written unless it has
// an exponent, which is expanded exactly (`-2.5e+2` → `-250`, `1E-3` → `0.001`). An exponent
// beyond ±1000 is left as written.
void append_plain_number(std::string& out, std::string_view number);

}  // namespace ferry::cake
