#include "ferry/wenet/pipeline.h"

#include "ferry/config/config.h"
#include "ferry/wenet/settings.h"
#include "ferry/wenet/store.h"

namespace ferry::wenet {
namespace {

class WenetPipeline : public core::Pipeline {
 public:
  std::string name() const override { return "wenet"; }
  void declare_config(config::ConfigSchema& schema) const override {
    declare_wenet_config(schema);
  }
  std::vector<core::ConfigProblem> check(const config::Config& config) const override {
    return check_config(config);
  }
  std::vector<state::Migration> migrations() const override { return wenet::migrations(); }
};

}  // namespace

std::unique_ptr<core::Pipeline> make_pipeline() {
  return std::make_unique<WenetPipeline>();
}

}  // namespace ferry::wenet
