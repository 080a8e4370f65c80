// spdlog sinks used by logging.cpp: a file rotated to a dated name at local midnight, and a
// fan-out sink that masks secrets before any child sees the line.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "ferry/base/scrub.h"
#include "ferry/base/time.h"

namespace ferry::log {

class DatedFileSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Opens `path` for appending; if it was last written on an earlier local date, it is first
  // renamed to `path.<that date>`. Throws UsageError when the file cannot be opened.
  explicit DatedFileSink(std::string path);
  ~DatedFileSink() override;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  void open();
  void rotate(const Date& file_day);
  std::string path_;
  FILE* file_ = nullptr;
  Date day_;  // local date the open file belongs to
};

class RedactingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(std::vector<spdlog::sink_ptr> children) : children_(std::move(children)) {}
  void add_secrets(const std::vector<std::string>& secrets);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  std::vector<spdlog::sink_ptr> children_;
  Scrubber scrubber_;
};

}  // namespace ferry::log
