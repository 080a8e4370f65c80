#include "ferry/io/files.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <filesystem>

#include "ferry/base/error.h"

namespace ferry::io {
namespace {

constexpr std::string_view kTempMark = ".tmp.";

std::string temp_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  auto p = std::filesystem::path(path);
  std::string name = "." + p.filename().string() + std::string(kTempMark) +
                     std::to_string(getpid()) + "." + std::to_string(counter++);
  return (p.parent_path() / name).string();
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// The final name a temp name stands for ("" when `name` is not a temp name).
std::string final_name_of(const std::string& name) {
  if (name.size() < 2 || name[0] != '.') return "";
  size_t last = name.rfind('.');
  if (last == std::string::npos || last == 0 || !all_digits(name.substr(last + 1))) return "";
  size_t pid = name.rfind('.', last - 1);
  if (pid == std::string::npos || !all_digits(name.substr(pid + 1, last - pid - 1))) return "";
  size_t mark = pid + 1 - kTempMark.size();
  if (pid + 1 < kTempMark.size() + 2 || name.compare(mark, kTempMark.size(), kTempMark) != 0)
    return "";
  return name.substr(1, mark - 1);
}

}  // namespace

void sync_directory(const std::string& dir, Env& env) {
  env.sync_dir(dir);
}

void make_dirs(const std::string& dir) {
  Env::posix().make_dirs(dir);
}

void check_writable_dir(Env& env, const std::string& dir) {
  AtomicFile probe(dir + "/ferry-write-check", env);  // removed uncommitted when it goes
  probe.write(std::string(4096, '\0'));
}

int64_t file_size(const std::string& path) {
  return Env::posix().file_size(path);
}

std::string read_file(const std::string& path) {
  return Env::posix().read_file(path);
}

void write_file_atomic(const std::string& path, std::string_view data, Env& env) {
  AtomicFile f(path, env);
  f.write(data);
  f.commit();
}

AtomicFile::AtomicFile(std::string path, Env& env)
    : env_(env), path_(std::move(path)), temp_(temp_name(path_)) {
  env_.make_dirs(parent_dir(path_));
  file_ = env_.new_file(temp_);
}

AtomicFile::~AtomicFile() {
  file_.reset();
  if (committed_) return;
  try {
    env_.remove(temp_);
  } catch (...) {  // a destructor must not throw; a temp left behind is swept later
  }
}

void AtomicFile::write(std::string_view data) {
  file_->append(data);
  bytes_ += data.size();
}

void AtomicFile::truncate_to(uint64_t size) {
  file_->truncate(size);
  bytes_ = size;
}

void AtomicFile::commit() {
  file_->sync();
  file_.reset();
  env_.rename(temp_, path_);
  committed_ = true;
  env_.sync_dir(parent_dir(path_));
}

AppendFile::AppendFile(std::string path, Env& env) : env_(env), path_(std::move(path)) {
  env_.make_dirs(parent_dir(path_));
  file_ = env_.open_append(path_);
}

void AppendFile::append(std::string_view data) {
  file_->append(data);
}

void AppendFile::sync() {
  file_->sync();
  if (!dir_synced_) {
    env_.sync_dir(parent_dir(path_));
    dir_synced_ = true;
  }
}

void AppendFile::truncate_to(uint64_t size) {
  file_->truncate(size);
}

CheckpointedAppendFile::CheckpointedAppendFile(std::string path, uint64_t committed, Env& env)
    : file_(std::move(path), env) {
  if (file_.size() < committed) {
    short_ = true;
  } else if (file_.size() > committed) {
    cut_ = file_.size() - committed;
    file_.truncate_to(committed);
    file_.sync();
  }
}

void CheckpointedAppendFile::restart() {
  file_.truncate_to(0);
  short_ = false;
}

void CheckpointedAppendFile::append(std::string_view data) {
  file_.append(data);
}

void CheckpointedAppendFile::truncate_to(uint64_t size) {
  file_.truncate_to(size);
}

uint64_t CheckpointedAppendFile::sync() {
  file_.sync();
  return file_.size();
}

bool is_temp_name(const std::string& name) {
  return !final_name_of(name).empty();
}

std::vector<std::string> remove_stale_temps(Env& env, const std::string& dir,
                                            const std::string& name_prefix) {
  std::vector<std::string> removed;
  for (const auto& name : env.list_dir(dir)) {
    std::string final_name = final_name_of(name);
    if (final_name.empty() || final_name.compare(0, name_prefix.size(), name_prefix) != 0) continue;
    std::string path = dir + "/" + name;
    if (env.remove(path)) removed.push_back(path);
  }
  return removed;
}

}  // namespace ferry::io
