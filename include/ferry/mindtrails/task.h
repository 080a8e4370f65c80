// The `mindtrails` scheduled task: due on every run when servers are configured (and
// `mindtrails.enabled`); each step is one unit of a server pass (see server_pass.h), servers
// in config order. Problems are alerted where they happen and the pass goes on with the next
// table or server; the last step then reports them as one failed unit (exit code 1).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ferry/core/registry.h"
#include "ferry/mindtrails/settings.h"

namespace ferry {
namespace config {
class ConfigSchema;
}

namespace mindtrails {

class ServerPass;

class MindTrailsTask : public core::ScheduledTask {
 public:
  // `only_server`: export just this server ("" = all). `step_pause`: see TaskFactory.
  MindTrailsTask(core::Services& services, std::string only_server,
                 std::chrono::milliseconds step_pause = std::chrono::milliseconds(0));
  ~MindTrailsTask() override;

  bool due(std::optional<TimePoint> last_done) override;
  core::StepResult step() override;

 private:
  void load();
  core::StepResult finish();

  core::Services& services_;
  std::string only_server_;
  std::chrono::milliseconds step_pause_;
  bool loaded_ = false;
  std::string config_error_;
  PipelineSettings pipeline_;
  std::vector<ServerSettings> servers_;
  size_t index_ = 0;
  std::unique_ptr<ServerPass> pass_;
  std::vector<std::string> failures_;
};

// Makes the task the registry runs. The CLI narrows a manual run to one server through
// set_only_server() before starting it; cron runs leave it empty (every server).
class TaskFactory {
 public:
  void set_only_server(std::string name) { only_server_ = std::move(name); }
  // Test-only: sleep this long after each durable step (raw backup, CSV append, commit, each
  // delete) so crash tests can kill a run inside every window. The CLI sets it only when the
  // environment has FERRY_SELFTEST=1 (FERRY_SELFTEST_MINDTRAILS_PAUSE_MS); never in production.
  void set_step_pause(std::chrono::milliseconds pause) { step_pause_ = pause; }
  std::unique_ptr<core::ScheduledTask> make(core::Services& services) const;

 private:
  std::string only_server_;
  std::chrono::milliseconds step_pause_{0};
};

// The factory behind the registered `mindtrails` task (one per process).
TaskFactory& task_factory();

// Declares the config keys and registers the `mindtrails` task (backed by task_factory()).
void register_mindtrails(core::Registry& registry, config::ConfigSchema& schema);

}  // namespace mindtrails
}  // namespace ferry
