// `ferry export mindtrails [--server NAME]` and
// `ferry recover mindtrails --server NAME --scale TABLE [--out DIR]`. Internal to src/mindtrails/.
#pragma once

namespace CLI {
class App;
}

namespace ferry {
namespace core {
class Context;
}
namespace mindtrails {

// Adds both commands to `app` (inside the shared `export` and `recover` groups).
void add_mindtrails_commands(CLI::App& app, core::Context& ctx, int& exit_code);

}  // namespace mindtrails
}  // namespace ferry
