// The command line. main() calls run_main and returns its exit code (see ExitCode).
#pragma once

namespace ferry::cli {

int run_main(int argc, char** argv);

// ferry's version, as `ferry --version` prints it after "ferry ".
const char* version();

}  // namespace ferry::cli
