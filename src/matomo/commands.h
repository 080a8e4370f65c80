// `ferry import matomo` and `ferry stats matomo`. Internal to src/matomo/.
#pragma once

namespace CLI {
class App;
}

namespace ferry::core {
class Context;
}

namespace ferry::matomo {

void add_matomo_commands(CLI::App& app, core::Context& ctx, int& exit_code);

}  // namespace ferry::matomo
