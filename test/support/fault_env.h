// FaultInjectingEnv: an Env for tests that "crashes" the process at a chosen durable step.
//
// Durable steps are the operations after which ferry relies on data surviving a crash:
//   - WritableFile::sync() (an fsync of a file),
//   - Env::rename(),
//   - Env::sync_dir() (an fsync of a directory).
// They are counted from construction (or the last arm()/reset()), the first being step 1.
//
// Armed with N (and CrashTiming::kBefore), step N does not happen; instead the env crashes.
// With kAfter, step N happens and then the env crashes, before the caller can act on it (say,
// record in SQLite the size it just synced). A crash:
//   1. every file written through this env is cut back to its durable size: the size at its
//      last sync(), or the size it had when this env first opened it. A truncate() takes
//      effect at once and is durable (the durable size becomes at most the new size);
//   2. with UnsyncedNames::kUndone (the default), each name created in a directory since that
//      directory's last sync_dir() is undone: a file created there is removed, a file renamed
//      there goes back to the name it had (the durable one). With kKept names survive, so
//      files (temps included) are left with their durable bytes only;
//   3. SimulatedCrash is thrown, and from then on every operation, on the env or on a file it
//      opened, throws SimulatedCrash too, until reset().
// Removes, directory creation and replacing an existing name by rename are taken as durable
// at once. Reads and listings pass through. SQLite does not go through an Env; its commits are
// durable on their own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ferry/io/env.h"

namespace ferry::io {

// Thrown by FaultInjectingEnv at the crash and after it. Deliberately not a std::exception, so
// that no handler in ferry mistakes it for an ordinary failure and goes on with its work.
class SimulatedCrash {
 public:
  explicit SimulatedCrash(std::string what) : what_(std::move(what)) {}
  const std::string& what() const { return what_; }

 private:
  std::string what_;
};

enum class UnsyncedNames { kUndone, kKept };
enum class CrashTiming { kBefore, kAfter };

class FaultInjectingEnv : public Env {
 public:
  // `base` does the real work and must outlive this env; this env must outlive the files it
  // opened.
  explicit FaultInjectingEnv(Env& base, UnsyncedNames names = UnsyncedNames::kUndone);

  // Crashes at durable step `n` counted from now (n >= 1), before or after it; 0 disarms.
  // Resets the step count.
  void arm(int64_t n, CrashTiming timing = CrashTiming::kBefore);
  // Forgets the crash, the arming, the step count and what it tracked: the env passes every
  // operation through again, taking what is on disk now as durable.
  void reset();
  // Durable steps done since construction, arm() or reset() (a step that crashed before it
  // happened not included).
  int64_t steps() const { return steps_; }
  bool crashed() const { return crashed_; }

  std::unique_ptr<WritableFile> new_file(const std::string& path) override;
  std::unique_ptr<WritableFile> open_append(const std::string& path) override;
  void rename(const std::string& from, const std::string& to) override;
  void sync_dir(const std::string& dir) override;
  bool remove(const std::string& path) override;
  int64_t file_size(const std::string& path) override;
  std::string read_file(const std::string& path) override;
  std::vector<std::string> list_dir(const std::string& dir) override;
  void make_dirs(const std::string& dir) override;

 private:
  class File;
  // What a file handle shares with the env: the file's current name and durable size.
  struct Tracked {
    std::string path;
    uint64_t durable = 0;
  };
  // Throws SimulatedCrash when the env has crashed.
  void check() const;
  // Called before and after each durable step: counts it, and crashes (throws) when it is the
  // armed one.
  void before_step(const std::string& what);
  void after_step(const std::string& what);
  std::shared_ptr<Tracked> track(const std::string& path, uint64_t durable);
  void note_new_name(const std::string& path, std::optional<std::string> origin);
  [[noreturn]] void crash(const std::string& what);

  Env& base_;
  UnsyncedNames names_;
  int64_t crash_at_ = 0;
  CrashTiming timing_ = CrashTiming::kBefore;
  int64_t steps_ = 0;
  bool crashed_ = false;
  std::map<std::string, std::shared_ptr<Tracked>> files_;  // by current path
  // Names created since their directory's last sync_dir(), with the durable name a renamed
  // file had (nullopt: created here).
  std::map<std::string, std::optional<std::string>> new_names_;
};

}  // namespace ferry::io
