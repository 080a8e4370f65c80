// Runs matomo.archive_command: `/bin/sh -c COMMAND` in its own process group, its output (stdout
// and stderr) going to a file rather than a pipe, so a chatty command can never block on a full
// pipe; killed (the whole group) after a timeout. FERRY_* variables are not passed to it.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace ferry::matomo {

struct CommandResult {
  bool started = false;    // false: it could not be started (see output)
  bool timed_out = false;  // killed after the timeout
  int exit_code = -1;      // when it exited; -1 when killed by a signal or not started
  int signal = 0;          // the signal that ended it, if any
  std::string output;      // the last 4 KiB of its output (or why it could not start)
  bool ok() const { return started && !timed_out && exit_code == 0; }
  // `exit 0`, `exit 3`, `killed by signal 9`, `timed out after 1h`.
  std::string describe(std::chrono::seconds timeout) const;
};

// Runs `command` and waits for it at most `timeout`, with `extra_env` (NAME, value) added to its
// environment. `output_path` receives its whole output (replaced; the caller removes it). Never
// throws for a command that fails.
CommandResult run_shell_command(
    const std::string& command, std::chrono::seconds timeout, const std::string& output_path,
    const std::vector<std::pair<std::string, std::string>>& extra_env = {});

}  // namespace ferry::matomo
