#include "log/json_formatter.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "ferry/log/logging.h"

namespace ferry::log {
namespace {

const char* level_word(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warning";
    case spdlog::level::err:
      return "error";
    default:
      return "critical";
  }
}

// The length of the valid UTF-8 sequence at the start of `s`, 0 when it is not one.
size_t utf8_length(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

std::string iso_local_time(spdlog::log_clock::time_point tp) {
  auto since = tp.time_since_epoch();
  std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  int millis =
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char head[32], zone[8];
  std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
  std::strftime(zone, sizeof zone, "%z", &tm);  // +0100
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d%.3s:%.2s", head, millis, zone, zone + 3);
  return out;
}

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (size_t n = utf8_length(text.substr(i))) {
      out.append(text.data() + i, n);
      i += n;
      continue;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
    }
    ++i;
  }
  out += '"';
}

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string line = "{\"time\":\"" + iso_local_time(msg.time) + "\",\"level\":\"" +
                     level_word(msg.level) + "\",\"pid\":" + std::to_string(::getpid()) +
                     ",\"run\":";
  int64_t run = current_run_id();
  line += run > 0 ? std::to_string(run) : "null";
  line += ",\"pipeline\":";
  std::string pipeline = current_pipeline();
  if (pipeline.empty())
    line += "null";
  else
    append_json_string(pipeline, line);
  line += ",\"message\":";
  append_json_string(std::string_view(msg.payload.data(), msg.payload.size()), line);
  line += "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>();
}

}  // namespace ferry::log
