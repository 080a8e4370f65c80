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

// The first problem any log file of this process met, kept until it is taken once.
class LogProblems {
 public:
  // Keeps `problem` when it is the first.
  void note(const std::string& problem);
  // The first problem the first time it is asked for after it was noted; "" otherwise.
  std::string take();

 private:
  std::mutex mutex_;
  std::string first_;
  bool taken_ = false;
};

// The process's one LogProblems.
LogProblems& log_problems();

class DatedFileSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Opens `path` for appending; if it was last written on an earlier local date, it is first
  // renamed to `path.<that date>`. A file that cannot be opened, written or flushed is noted in
  // log_problems() (its path and the system error) and written no more; it never throws.
  explicit DatedFileSink(std::string path);
  ~DatedFileSink() override;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  void open();
  // Notes the system error of what failed on the file and stops writing it.
  void fail(const char* what);
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
