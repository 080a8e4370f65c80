#include "ferry/core/commands.h"

#include <CLI/CLI.hpp>

namespace ferry::core {

CLI::App* command_group(CLI::App& app, const std::string& name, const std::string& help,
                        const std::string& example) {
  auto found = app.get_subcommands([&](CLI::App* a) { return a->get_name() == name; });
  if (!found.empty()) return found.front();
  CLI::App* g = app.add_subcommand(name, help);
  g->require_subcommand(1);
  g->footer("Example: " + example);
  return g;
}

}  // namespace ferry::core
