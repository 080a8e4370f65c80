// The small CAKE replies: the Currencies table. Pure functions over the body.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ferry/base/error.h"
#include "ferry/cake/columns.h"

namespace ferry::cake {

struct CurrenciesResult {
  CurrencyMap currencies;  // id as text → abbreviation
  std::optional<Failure> failure;
  bool ok() const { return !failure; }
};

// Reads `{"d": {"currencies": [{"currency_id": 1, "currency_abbr": "USD", …}, …]}}`. Entries
// without an id are skipped; a null abbreviation is kept as "". A body that is not JSON is a
// transient failure; JSON of another shape, or `d.success` false, a permanent one. Messages
// start with `cake: Currencies:`.
CurrenciesResult parse_currencies(std::string_view body);

}  // namespace ferry::cake
