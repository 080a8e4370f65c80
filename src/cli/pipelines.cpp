// The composition root's list of pipelines: adding a pipeline means one line in
// make_pipelines() (and its folder). Everything else reaches it through core::Pipeline.
#include "cli/app_context.h"
#include "ferry/cake/pipeline.h"
#include "ferry/matomo/pipeline.h"
#include "ferry/mindtrails/task.h"
#include "ferry/net/object_store.h"
#include "ferry/s3/store.h"
#include "ferry/selftest/selftest.h"
#include "ferry/wenet/pipeline.h"

namespace ferry::cli {
namespace {

void add(core::PipelineList& list, std::unique_ptr<core::Pipeline> pipeline) {
  if (pipeline) list.push_back(std::move(pipeline));
}

}  // namespace

core::PipelineList make_pipelines(const std::map<std::string, std::string>& env) {
  core::PipelineList list;
  add(list, selftest::make_pipeline(env));  // only with FERRY_SELFTEST=1
  add(list, mindtrails::make_pipeline());
  add(list, cake::make_pipeline());
  add(list, matomo::make_pipeline());
  add(list, wenet::make_pipeline());
  return list;
}

config::ConfigSchema make_schema(const core::PipelineList& pipelines) {
  config::ConfigSchema schema;
  core::declare_core_config(schema);
  s3::register_s3_config(schema);
  for (const auto& p : pipelines) p->declare_config(schema);
  return schema;
}

std::unique_ptr<net::ObjectStore> AppContext::object_store(const std::string& target) {
  return s3::make_s3_store(config(), target, http(), environment());
}

}  // namespace ferry::cli
