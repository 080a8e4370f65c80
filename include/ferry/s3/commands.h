// `ferry s3 ...`: operator commands on a configured `[s3.NAME]` target.
//
//   ferry s3 ls TARGET [PREFIX]          one line per object: last-modified, size, key
//   ferry s3 put TARGET FILE KEY         upload (multipart above multipart_threshold)
//   ferry s3 get TARGET KEY FILE         download through a temp file
//   ferry s3 presign TARGET KEY [--expires 24h]   the URL alone on stdout
//
// Transfers show progress on stderr when it is a terminal and stay quiet otherwise.
#pragma once

namespace CLI {
class App;
}

namespace ferry::cli {
class Context;
}

namespace ferry::s3 {

// Matches cli::CommandAdder. Adds the `s3` command group to `app`.
void add_s3_commands(CLI::App& app, cli::Context& ctx, int& exit_code);

}  // namespace ferry::s3
