#include "ferry/cake/checkpoint.h"

#include <nlohmann/json.hpp>

namespace ferry::cake {

std::string format_checkpoint(const ConversionCheckpoint& c) {
  nlohmann::ordered_json j;
  j["next"] = format_iso8601(c.next);
  j["bytes"] = c.bytes;
  j["rows"] = c.rows;
  j["uploaded"] = c.uploaded;
  return j.dump();
}

std::optional<ConversionCheckpoint> parse_conversion_checkpoint(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto next = j.find("next");
  auto bytes = j.find("bytes");
  auto rows = j.find("rows");
  auto uploaded = j.find("uploaded");
  if (next == j.end() || !next->is_string() || bytes == j.end() || !bytes->is_number_unsigned() ||
      rows == j.end() || !rows->is_number_integer() || rows->get<int64_t>() < 0 ||
      uploaded == j.end() || !uploaded->is_boolean())
    return std::nullopt;
  auto at = parse_iso8601(next->get<std::string>());
  if (!at) return std::nullopt;
  return ConversionCheckpoint{*at, bytes->get<uint64_t>(), rows->get<int64_t>(),
                              uploaded->get<bool>()};
}

}  // namespace ferry::cake
