#include "wenet/report_cells.h"

namespace ferry::wenet {

void write_header_rows(TableWriter& t, const ReportHeader& h, bool with_app_id) {
  if (with_app_id) t.row({"app id", h.app_id});
  if (h.has_window) {
    t.row({"from", h.from});
    t.row({"to", h.to});
  }
}

const nlohmann::json* member(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string cell_text(const nlohmann::json* value) {
  if (value == nullptr || value->is_null()) return {};
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number() || value->is_boolean()) return value->dump();
  return {};
}

std::string string_member(const nlohmann::json& obj, const char* key) {
  const nlohmann::json* v = member(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace ferry::wenet
