#include "ferry/cake/responses.h"

#include <nlohmann/json.hpp>

namespace ferry::cake {
namespace {

using nlohmann::json;

// The parsed body, or a transient failure naming where it stopped making sense.
std::optional<json> parse_body(std::string_view body, const std::string& what,
                               std::optional<Failure>& failure) {
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    failure = Failure::transient("cake: " + what + ": malformed response at byte " +
                                 std::to_string(e.byte) + ": not JSON");
    return std::nullopt;
  } catch (const json::exception&) {
    failure = Failure::transient("cake: " + what + ": malformed response: not JSON");
    return std::nullopt;
  }
}

std::string id_text(const json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer()) return id.dump();
  return "";
}

}  // namespace

CurrenciesResult parse_currencies(std::string_view body) {
  CurrenciesResult result;
  auto doc = parse_body(body, "Currencies", result.failure);
  if (!doc) return result;
  auto wrong = [&](const std::string& why) {
    result.currencies.clear();
    result.failure = Failure::permanent("cake: Currencies: " + why);
    return result;
  };
  if (!doc->is_object() || !doc->contains("d") || !(*doc)["d"].is_object())
    return wrong("no \"d\" object in the response");
  const json& d = (*doc)["d"];
  if (d.contains("success") && d["success"] == false) {
    std::string msg = d.contains("message") && d["message"].is_string()
                          ? d["message"].get<std::string>()
                          : "no message";
    return wrong("failed: " + msg);
  }
  if (!d.contains("currencies") || !d["currencies"].is_array())
    return wrong("no \"currencies\" array in the response");
  for (const json& entry : d["currencies"]) {
    if (!entry.is_object() || !entry.contains("currency_id")) continue;
    std::string id = id_text(entry["currency_id"]);
    if (id.empty()) continue;
    const json* abbr = entry.contains("currency_abbr") ? &entry["currency_abbr"] : nullptr;
    result.currencies[id] = abbr && abbr->is_string() ? abbr->get<std::string>() : "";
  }
  return result;
}

}  // namespace ferry::cake
