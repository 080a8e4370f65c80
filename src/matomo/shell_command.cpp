#include "ferry/matomo/shell_command.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "ferry/base/time.h"

extern char** environ;

namespace ferry::matomo {
namespace {

constexpr size_t kTail = 4096;

std::string tail_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  std::string all = s.str();
  return all.size() > kTail ? all.substr(all.size() - kTail) : all;
}

// The process environment without FERRY_* (which may hold secrets), plus `extra` (kept alive by
// the caller).
std::vector<char*> child_environment(std::vector<std::string>& extra) {
  std::vector<char*> out;
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, "FERRY_", 6) != 0) out.push_back(*e);
  for (auto& e : extra) out.push_back(e.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string CommandResult::describe(std::chrono::seconds timeout) const {
  if (!started) return "could not be started";
  if (timed_out) return "timed out after " + format_duration(timeout);
  if (signal) return "killed by signal " + std::to_string(signal);
  return "exit " + std::to_string(exit_code);
}

CommandResult run_shell_command(const std::string& command, std::chrono::seconds timeout,
                                const std::string& output_path,
                                const std::vector<std::pair<std::string, std::string>>& extra_env) {
  CommandResult r;
  std::vector<std::string> extra;
  for (const auto& [name, value] : extra_env) extra.push_back(name + "=" + value);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> env = child_environment(extra);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    r.output = std::string("posix_spawn: ") + std::strerror(rc);
    return r;
  }
  r.started = true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline && !r.timed_out) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!r.timed_out) {
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  }
  r.output = tail_of(output_path);
  return r;
}

}  // namespace ferry::matomo
