// log.format = "json": one JSON object per line, for log shippers (Filebeat, Vector, Fluent Bit,
// promtail). Keys, always in this order:
//   {"time":"2026-12-02T01:22:46.123+00:00","level":"info","pid":4242,"run":17,
//    "pipeline":"cake","message":"..."}
// `time` is the local time with its UTC offset (as in the text lines), `level` one of debug,
// info, warning, error, critical, `run` the id of the run in progress (null outside a run),
// `pipeline` the pipeline whose unit is in progress (null between units). The message is the
// line as the text format shows it after `level: `, secrets already masked by the redacting
// sink, JSON-escaped (control characters as \uXXXX; invalid UTF-8 bytes as U+FFFD).
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace ferry::log {

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Appends `text` as a JSON string (with its quotes) to `out`.
void append_json_string(std::string_view text, std::string& out);

}  // namespace ferry::log
