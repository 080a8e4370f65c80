#include "ferry/cli/app.h"

int main(int argc, char** argv) {
  return ferry::cli::run_main(argc, argv);
}
