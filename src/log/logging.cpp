#include "ferry/log/logging.h"

#include <dirent.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "ferry/base/error.h"
#include "ferry/base/scrub.h"
#include "ferry/io/files.h"
#include "log/json_formatter.h"
#include "log/sinks.h"

namespace ferry::log {
namespace {

const char* kPattern = "%Y-%m-%d %H:%M:%S.%e %z [%P] %l: %v";
std::shared_ptr<RedactingSink> g_redactor;
std::atomic<int64_t> g_run_id{0};
std::mutex g_pipeline_mutex;
std::string g_pipeline;

spdlog::level::level_enum parse_level(const std::string& s) {
  if (s == "warning") return spdlog::level::warn;
  auto l = spdlog::level::from_str(s);
  return l;
}

void install(std::vector<spdlog::sink_ptr> children, const std::vector<std::string>& secrets) {
  g_redactor = std::make_shared<RedactingSink>(std::move(children));
  g_redactor->add_secrets(secrets);
  auto logger = std::make_shared<spdlog::logger>("ferry", g_redactor);
  logger->set_level(spdlog::level::debug);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

spdlog::sink_ptr console(const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  sink->set_pattern("%^%l%$: %v");
  sink->set_level(parse_level(level));
  return sink;
}

// The day in `name` when it is one of ferry's own rotated log names, `<file>.YYYY-MM-DD...`
// with <file> one of the four files init_files() writes; nullopt for any other name.
std::optional<Date> rotated_day(const std::string& name) {
  for (const char* base : {"debug.log.", "daily.log.", "error.log.", "critical.log."}) {
    std::string_view prefix(base);
    if (name.size() < prefix.size() + 10 || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::string text = name.substr(prefix.size(), 10);
    auto day = parse_date(text);
    if (day && text[4] == '-') return day;
  }
  return std::nullopt;
}

}  // namespace

std::string rotated_name(const std::string& path, const Date& day) {
  return path + "." + format_date(day);
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  return Scrubber(secrets)(text);
}

void init_console(const std::string& level) {
  install({console(level)}, {});
}

void init_files(const LogOptions& options) {
  std::string problem;
  try {
    io::make_dirs(options.dir);
    if (::access(options.dir.c_str(), W_OK) != 0)
      problem = "log.dir: cannot write to " + options.dir + ": " + std::strerror(errno);
  } catch (const OperationError& e) {
    problem = std::string("log.dir: ") + e.what();
  }
  std::vector<spdlog::sink_ptr> sinks{console(options.console_level)};
  const std::pair<const char*, spdlog::level::level_enum> files[] = {
      {"debug.log", spdlog::level::debug},
      {"daily.log", spdlog::level::info},
      {"error.log", spdlog::level::warn},
      {"critical.log", spdlog::level::critical}};
  if (!problem.empty()) {
    log_problems().note(problem);
  } else {
    for (const auto& [name, level] : files) {
      auto sink = std::make_shared<DatedFileSink>(options.dir + "/" + name);
      sink->set_level(level);
      if (options.format == "json")
        sink->set_formatter(std::make_unique<JsonFormatter>());
      else
        sink->set_pattern(kPattern);
      sinks.push_back(sink);
    }
  }
  install(std::move(sinks), options.secrets);
  if (!problem.empty()) return;
  int removed =
      sweep_old_logs(options.dir, local_date(std::chrono::system_clock::now()), options.keep_days);
  if (removed > 0)
    spdlog::debug("log: removed {} files older than {} days", removed, options.keep_days);
}

std::string take_file_problem() {
  flush();  // a full disk shows when the buffered lines are written
  return log_problems().take();
}

int sweep_old_logs(const std::string& dir, const Date& today, int keep_days) {
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  int removed = 0;
  int64_t oldest_kept = days_from_civil(today) - keep_days;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    auto day = rotated_day(name);
    if (!day) continue;
    std::string tail = name.substr(name.find(".log.") + 15);  // "" or ".N" (a 2nd that day)
    bool numbered = tail.size() > 1 && tail[0] == '.' &&
                    tail.find_first_not_of("0123456789", 1) == std::string::npos;
    if (!tail.empty() && !numbered) continue;
    if (days_from_civil(*day) < oldest_kept && std::remove((dir + "/" + name).c_str()) == 0)
      ++removed;
  }
  closedir(d);
  return removed;
}

void add_secrets(const std::vector<std::string>& secrets) {
  if (g_redactor) g_redactor->add_secrets(secrets);
}

void flush() {
  if (auto l = spdlog::default_logger()) l->flush();
}

void set_current_run_id(int64_t run_id) {
  g_run_id = run_id;
}

int64_t current_run_id() {
  return g_run_id;
}

std::string current_pipeline() {
  std::lock_guard<std::mutex> lock(g_pipeline_mutex);
  return g_pipeline;
}

PipelineScope::PipelineScope(const std::string& pipeline) {
  std::lock_guard<std::mutex> lock(g_pipeline_mutex);
  previous_ = g_pipeline;
  g_pipeline = pipeline;
}

PipelineScope::~PipelineScope() {
  std::lock_guard<std::mutex> lock(g_pipeline_mutex);
  g_pipeline = previous_;
}

}  // namespace ferry::log
