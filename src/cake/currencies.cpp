#include "ferry/cake/currencies.h"

#include <spdlog/spdlog.h>

#include "ferry/cake/store.h"

namespace ferry::cake {

CurrenciesResult load_currencies(state::Store& store, CakeClient& client,
                                 const std::string& admin_url, TimePoint now) {
  CakeStore cache(store);
  if (auto cached = cache.currencies(admin_url)) {
    auto age = now > cached->fetched_at ? now - cached->fetched_at : cached->fetched_at - now;
    if (age < kCurrencyCacheAge) {
      CurrenciesResult result;
      result.currencies = std::move(cached->abbr_by_id);
      return result;
    }
  }
  CakeReply reply = client.currencies();
  CurrenciesResult result;
  if (reply.failure) {
    result.failure = reply.failure;
    return result;
  }
  result = parse_currencies(reply.body);
  if (!result.ok()) {
    result.failure->message += " (" + client.currencies_call() + ")";
    return result;
  }
  cache.replace_currencies(admin_url, result.currencies, now);
  spdlog::info("cake: fetched {} currencies from {}", result.currencies.size(), admin_url);
  return result;
}

}  // namespace ferry::cake
