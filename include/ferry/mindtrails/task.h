// The `mindtrails` scheduled task: due on every run when servers are configured (and
// `mindtrails.enabled`); each step is one unit of a server pass (see server_pass.h), servers
// in config order. Problems are alerted where they happen and the pass goes on with the next
// table or server; the last step then reports them as one failed unit (exit code 1).
#pragma once

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
  // `only_server`: export just this server ("" = all).
  MindTrailsTask(core::Services& services, std::string only_server);
  ~MindTrailsTask() override;

  bool due(std::optional<TimePoint> last_done) override;
  core::StepResult step() override;

 private:
  void load();
  core::StepResult finish();

  core::Services& services_;
  std::string only_server_;
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
  std::unique_ptr<core::ScheduledTask> make(core::Services& services) const;

 private:
  std::string only_server_;
};

// The factory behind the registered `mindtrails` task (one per process).
TaskFactory& task_factory();

// Declares the config keys and registers the `mindtrails` task (backed by task_factory()).
void register_mindtrails(core::Registry& registry, config::ConfigSchema& schema);

}  // namespace mindtrails
}  // namespace ferry
