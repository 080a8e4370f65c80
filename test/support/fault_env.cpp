#include "support/fault_env.h"

#include <algorithm>
#include <filesystem>

namespace ferry::io {
namespace {

std::string normal(const std::string& path) {
  std::string s = std::filesystem::path(path).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

class FaultInjectingEnv::File : public WritableFile {
 public:
  File(FaultInjectingEnv& env, std::unique_ptr<WritableFile> base, std::shared_ptr<Tracked> t)
      : env_(env), base_(std::move(base)), tracked_(std::move(t)) {}

  void append(std::string_view data) override {
    env_.check();
    base_->append(data);
  }
  void sync() override {
    const std::string what = "fsync " + tracked_->path;
    env_.before_step(what);
    base_->sync();
    tracked_->durable = base_->size();
    env_.after_step(what);
  }
  void truncate(uint64_t size) override {
    env_.check();
    base_->truncate(size);
    tracked_->durable = std::min(tracked_->durable, size);
  }
  uint64_t size() const override { return base_->size(); }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectingEnv& env_;
  std::unique_ptr<WritableFile> base_;
  std::shared_ptr<Tracked> tracked_;
};

FaultInjectingEnv::FaultInjectingEnv(Env& base, UnsyncedNames names) : base_(base), names_(names) {}

void FaultInjectingEnv::arm(int64_t n, CrashTiming timing) {
  crash_at_ = n;
  timing_ = timing;
  steps_ = 0;
}

void FaultInjectingEnv::reset() {
  crash_at_ = 0;
  steps_ = 0;
  crashed_ = false;
  files_.clear();
  new_names_.clear();
}

void FaultInjectingEnv::check() const {
  if (crashed_) throw SimulatedCrash("the process has crashed");
}

void FaultInjectingEnv::before_step(const std::string& what) {
  check();
  if (timing_ == CrashTiming::kBefore && crash_at_ > 0 && steps_ + 1 == crash_at_)
    crash("before " + what);
  ++steps_;
}

void FaultInjectingEnv::after_step(const std::string& what) {
  if (timing_ == CrashTiming::kAfter && crash_at_ > 0 && steps_ == crash_at_)
    crash("after " + what);
}

std::shared_ptr<FaultInjectingEnv::Tracked> FaultInjectingEnv::track(const std::string& path,
                                                                     uint64_t durable) {
  auto& t = files_[normal(path)];
  if (!t) t = std::make_shared<Tracked>(Tracked{normal(path), durable});
  return t;
}

void FaultInjectingEnv::note_new_name(const std::string& path, std::optional<std::string> origin) {
  new_names_[normal(path)] = std::move(origin);
}

[[noreturn]] void FaultInjectingEnv::crash(const std::string& what) {
  crashed_ = true;
  for (const auto& [path, t] : files_) {
    int64_t size = base_.file_size(path);
    if (size > static_cast<int64_t>(t->durable)) base_.open_append(path)->truncate(t->durable);
  }
  if (names_ == UnsyncedNames::kUndone) {
    for (const auto& [path, origin] : new_names_) {
      if (base_.file_size(path) < 0) continue;
      if (origin)
        base_.rename(path, *origin);
      else
        base_.remove(path);
    }
  }
  files_.clear();
  new_names_.clear();
  throw SimulatedCrash("crashed at durable step " + std::to_string(crash_at_) + ", " + what);
}

std::unique_ptr<WritableFile> FaultInjectingEnv::new_file(const std::string& path) {
  check();
  bool existed = base_.file_size(path) >= 0;
  auto file = base_.new_file(path);
  if (!existed) note_new_name(path, std::nullopt);
  auto t = track(path, 0);
  t->durable = 0;  // emptying it is durable at once
  return std::make_unique<File>(*this, std::move(file), std::move(t));
}

std::unique_ptr<WritableFile> FaultInjectingEnv::open_append(const std::string& path) {
  check();
  bool existed = base_.file_size(path) >= 0;
  auto file = base_.open_append(path);
  if (!existed) note_new_name(path, std::nullopt);
  auto t = track(path, file->size());
  return std::make_unique<File>(*this, std::move(file), std::move(t));
}

void FaultInjectingEnv::rename(const std::string& from, const std::string& to) {
  const std::string what = "rename " + from + " to " + to;
  before_step(what);
  const std::string f = normal(from), t = normal(to);
  bool replaces = base_.file_size(to) >= 0;
  base_.rename(from, to);
  std::optional<std::string> origin = f;
  if (auto it = new_names_.find(f); it != new_names_.end()) {
    origin = it->second;
    new_names_.erase(it);
  }
  if (!replaces) new_names_[t] = origin;
  files_.erase(t);
  if (auto it = files_.find(f); it != files_.end()) {
    auto tracked = it->second;
    files_.erase(it);
    tracked->path = t;
    files_[t] = tracked;
  }
  after_step(what);
}

void FaultInjectingEnv::sync_dir(const std::string& dir) {
  const std::string what = "fsync directory " + dir;
  before_step(what);
  base_.sync_dir(dir);
  const std::string d = normal(dir);
  for (auto it = new_names_.begin(); it != new_names_.end();)
    it = normal(parent_dir(it->first)) == d ? new_names_.erase(it) : std::next(it);
  after_step(what);
}

bool FaultInjectingEnv::remove(const std::string& path) {
  check();
  bool removed = base_.remove(path);
  files_.erase(normal(path));
  new_names_.erase(normal(path));
  return removed;
}

int64_t FaultInjectingEnv::file_size(const std::string& path) {
  check();
  return base_.file_size(path);
}

std::string FaultInjectingEnv::read_file(const std::string& path) {
  check();
  return base_.read_file(path);
}

std::vector<std::string> FaultInjectingEnv::list_dir(const std::string& dir) {
  check();
  return base_.list_dir(dir);
}

void FaultInjectingEnv::make_dirs(const std::string& dir) {
  check();
  base_.make_dirs(dir);
}

}  // namespace ferry::io
