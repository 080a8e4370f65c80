// The Currencies table a job needs to turn currency ids into abbreviations: cached in the state
// database per admin instance and fetched again once the cache is a day old.
#pragma once

#include <string>

#include "ferry/base/time.h"
#include "ferry/cake/client.h"
#include "ferry/cake/responses.h"

namespace ferry::state {
class Store;
}

namespace ferry::cake {

// How old a cached table may be before it is fetched again.
inline constexpr Seconds kCurrencyCacheAge{86400};

// The table of `admin_url`: the cached one when it was fetched less than kCurrencyCacheAge away
// from `now` (either side, so a pinned clock in the past still refreshes a stale cache), else a
// fresh one from CAKE, stored before it is returned. A failed call or an unreadable reply is a
// failure value (transient unless CAKE refused the key or the reply is of the wrong shape),
// never an exception; the cache is then left as it was.
CurrenciesResult load_currencies(state::Store& store, CakeClient& client,
                                 const std::string& admin_url, TimePoint now);

}  // namespace ferry::cake
