// The streamed JSON arrays of the tasks and messages dumps.
#include <ostream>

#include "ferry/wenet/reports.h"

namespace ferry::wenet {

void JsonArrayWriter::add(const nlohmann::json& item) {
  out_ << (count_ == 0 ? "[\n  " : ",\n  ");
  ++count_;
  std::string text = item.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  // Raw newlines in dump(2) output are structural (string contents are escaped): indent each
  // following line by the array's level.
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out_.write(text.data() + start, static_cast<std::streamsize>(nl + 1 - start));
    out_ << "  ";
    start = nl + 1;
  }
  out_.write(text.data() + start, static_cast<std::streamsize>(text.size() - start));
}

void JsonArrayWriter::end() { out_ << (count_ == 0 ? "[]" : "\n]"); }

}  // namespace ferry::wenet
