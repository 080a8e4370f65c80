// Helpers for pipelines' commands.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace ferry::core {

// The subcommand group `name` of `app` (`export`, `recover`: one subcommand per pipeline),
// created with `help` and `example` by whichever pipeline asks first.
CLI::App* command_group(CLI::App& app, const std::string& name, const std::string& help,
                        const std::string& example);

}  // namespace ferry::core
