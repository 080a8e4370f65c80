#include "log/sinks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ferry/log/logging.h"

namespace ferry::log {

void LogProblems::note(const std::string& problem) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (first_.empty()) first_ = problem;
}

std::string LogProblems::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (taken_ || first_.empty()) return "";
  taken_ = true;
  return first_;
}

LogProblems& log_problems() {
  static LogProblems problems;
  return problems;
}

DatedFileSink::DatedFileSink(std::string path) : path_(std::move(path)) {
  Date today = local_date(std::chrono::system_clock::now());
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && st.st_size > 0) {
    Date file_day = local_date(std::chrono::system_clock::from_time_t(st.st_mtime));
    if (file_day < today) rotate(file_day);
  }
  day_ = today;
  open();
}

DatedFileSink::~DatedFileSink() {
  if (file_) std::fclose(file_);
}

void DatedFileSink::open() {
  file_ = std::fopen(path_.c_str(), "a");
  if (!file_) fail("open");
}

void DatedFileSink::fail(const char* what) {
  log_problems().note(std::string("log: cannot ") + what + " " + path_ + ": " +
                      std::strerror(errno));
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

void DatedFileSink::rotate(const Date& file_day) {
  std::string target = rotated_name(path_, file_day);
  for (int n = 1; ::access(target.c_str(), F_OK) == 0; ++n)
    target = rotated_name(path_, file_day) + "." + std::to_string(n);
  std::rename(path_.c_str(), target.c_str());
}

void DatedFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  if (!file_) return;
  Date msg_day = local_date(msg.time);
  if (day_ < msg_day) {
    std::fclose(file_);
    file_ = nullptr;
    rotate(day_);
    day_ = msg_day;
    open();
    if (!file_) return;
  }
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  if (std::fwrite(formatted.data(), 1, formatted.size(), file_) != formatted.size())
    fail("write");
}

void DatedFileSink::flush_() {
  if (file_ && std::fflush(file_) != 0) fail("write");
}

void RedactingSink::add_secrets(const std::vector<std::string>& secrets) {
  std::lock_guard<std::mutex> lock(mutex_);
  scrubber_.add(secrets);
}

void RedactingSink::sink_it_(const spdlog::details::log_msg& msg) {
  std::string text(msg.payload.data(), msg.payload.size());
  std::string clean = scrubber_(text);
  spdlog::details::log_msg copy = msg;
  copy.payload = spdlog::string_view_t(clean.data(), clean.size());
  for (auto& child : children_)
    if (child->should_log(copy.level)) child->log(copy);
}

void RedactingSink::flush_() {
  for (auto& child : children_) child->flush();
}

}  // namespace ferry::log
