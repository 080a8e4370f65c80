// The config loader's fuzz target, apart from the others (targets.cpp) because it links every
// pipeline's config declarations.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "cli/app_context.h"
#include "ferry/base/error.h"
#include "ferry/config/config.h"
#include "ferry/core/pipeline.h"
#include "ferry/s3/store.h"
#include "fuzz/targets.h"

namespace ferry::fuzz {
namespace {

// A config file of this process's own, rewritten for every input, removed at exit.
class ConfigFile {
 public:
  ConfigFile()
      : path_((std::filesystem::temp_directory_path() /
               ("ferry-fuzz-config-" + std::to_string(getpid()) + ".toml"))
                  .string()) {}
  ~ConfigFile() { std::remove(path_.c_str()); }
  const std::string& write(std::string_view text) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    require(static_cast<bool>(out), "cannot write " + path_);
    return path_;
  }

 private:
  std::string path_;
};

struct ConfigWorld {
  core::PipelineList pipelines = cli::make_pipelines({});
  config::ConfigSchema schema = cli::make_schema(pipelines);
  ConfigFile file;
};

}  // namespace

void fuzz_config_load(const uint8_t* data, size_t size) {
  static ConfigWorld world;
  config::LoadOptions options;
  options.file = world.file.write(as_text(data, size));
  options.file_required = true;
  try {
    config::Config loaded = config::load(world.schema, options);
    core::check_config(loaded, world.pipelines);
    s3::check_s3_config(loaded);
    loaded.show();
  } catch (const UsageError&) {
  }
}

}  // namespace ferry::fuzz
