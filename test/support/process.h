// Test support: unique temp dirs, child processes, free loopback ports.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ferry::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction unless
// FERRY_KEEP_TMP is set.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);
bool file_exists(const std::string& path);
// Names in `dir` (not . and ..), sorted; empty when it cannot be read.
std::vector<std::string> list_dir(const std::string& dir);

// The ferry binary under test ($FERRY_BIN, else bin/ferry under $FERRY_ROOT or the cwd); under
// FERRY_UNIT_ONLY (`make check`) asking for it fails the test (support/requirements.h).
std::string ferry_bin();
// The repository root ($FERRY_ROOT, else the cwd).
std::string repo_root();

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv to completion (killed after `timeout`), capturing stdout and stderr. `env` entries
// are added to (or, with an empty value, removed from) the inherited environment; `cwd` is
// where it runs ("" = here).
RunResult run_command(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env = {},
                      const std::string& cwd = "",
                      std::chrono::seconds timeout = std::chrono::seconds(120));

// A background child, killed (SIGKILL to its process group) on destruction. Under
// FERRY_UNIT_ONLY (`make check`) nothing starts and the test fails (support/requirements.h).
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
        const std::string& cwd = "", const std::string& log_file = "");
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  // Sends `sig` to the child's process group.
  void signal(int sig);
  // Waits for exit; returns the exit code, -1 for a signal, -2 on timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();
  // The signal that ended the child once it was reaped by wait() or running(); 0 otherwise.
  int term_signal() const { return term_signal_; }
  // The child's peak resident memory in KiB (its own, not its children's) once reaped by
  // wait(); 0 otherwise.
  long max_rss_kib() const { return max_rss_kib_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int term_signal_ = 0;
  long max_rss_kib_ = 0;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// Polls until 127.0.0.1:port accepts connections; false after `timeout`.
bool wait_for_port(int port, std::chrono::milliseconds timeout);
// Polls `cond` every 20 ms until it holds; its last answer after `timeout`.
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

// The Debian interpreter that sees Debian's Python packages (aiosmtpd, cryptography).
std::string system_python();

}  // namespace ferry::testing
