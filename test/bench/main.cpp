// bin/ferry_bench: dispatches to one benchmark by its subcommand name.
#include <cstdio>
#include <cstring>

#include "bench/benches.h"

namespace {

struct Bench {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

const Bench kBenches[] = {
    {"rsa", ferry::bench::rsa_bench_main, "RSA decryptions per second (crypto/rsa)"},
    {"cake", ferry::bench::cake_bench_main, "Clicks reply to CSV, rows per second (cake)"},
    {"matomo-lines", ferry::bench::matomo_lines_bench_main,
     "log lines to Matomo hits, lines per second (matomo)"},
};

void usage() {
  std::fprintf(stderr, "usage: ferry_bench <bench> [options]\nbenches:\n");
  for (const auto& b : kBenches) std::fprintf(stderr, "  %-10s %s\n", b.name, b.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  for (const auto& b : kBenches) {
    if (std::strcmp(argv[1], b.name) == 0) return b.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "ferry_bench: unknown bench \"%s\"\n", argv[1]);
  usage();
  return 2;
}
