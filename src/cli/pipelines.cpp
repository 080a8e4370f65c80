// The composition root's list of pipelines. Adding a pipeline means one line here.
#include "cli/app_context.h"
#include "ferry/cake/pipeline.h"
#include "ferry/mindtrails/task.h"
#include "ferry/net/object_store.h"
#include "ferry/s3/store.h"
#include "ferry/selftest/selftest.h"

namespace ferry::cli {

void register_pipelines(core::Registry& registry, config::ConfigSchema& schema,
                        const std::map<std::string, std::string>& env) {
  core::register_core_config(schema);
  s3::register_s3_config(schema);
  selftest::register_selftest(registry, env);
  mindtrails::register_mindtrails(registry, schema);
  cake::register_cake(registry, schema);
}

}  // namespace ferry::cli

namespace ferry::cli {

std::unique_ptr<net::ObjectStore> AppContext::object_store(const std::string& target) {
  return s3::make_s3_store(config(), target, http(), environment());
}

}  // namespace ferry::cli
