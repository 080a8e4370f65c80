// The `mindtrails` scheduled task: due on every run when servers are configured (and
// `mindtrails.enabled`); each step is one unit of a server pass (see server_pass.h), servers
// in config order. On a shared state each server is a stream (core::StreamClaim) that one host
// at a time works: a server another host is working on is passed over. Problems are alerted where
// they happen and the pass goes on with the next table or server; the last step then reports them
// as one failed unit (exit code 1).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ferry/core/pipeline.h"
#include "ferry/mindtrails/settings.h"

namespace ferry {
namespace config {
class ConfigSchema;
}
namespace core {
class StreamClaim;
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
  // Claims the next server from index_ on that no other host is working on and starts its
  // pass; false when none is left.
  bool start_pass();

  core::Services& services_;
  std::string only_server_;
  bool loaded_ = false;
  std::string config_error_;
  PipelineSettings pipeline_;
  std::vector<ServerSettings> servers_;
  size_t index_ = 0;
  std::unique_ptr<core::StreamClaim> stream_;  // outlives pass_
  std::unique_ptr<ServerPass> pass_;
  std::vector<std::string> failures_;
};

// The MindTrails pipeline module: `[mindtrails]` and `[[mindtrails.server]]`, their checks, the
// `mindtrails` state component, the `mindtrails` task (argument `server` narrows a pass to one
// server) and the `ferry export mindtrails` and `ferry recover mindtrails` commands.
std::unique_ptr<core::Pipeline> make_pipeline();

}  // namespace mindtrails
}  // namespace ferry
