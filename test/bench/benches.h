// Benchmarks run by bin/ferry_bench: one entry point per subcommand.
#pragma once

namespace ferry::bench {

// `ferry_bench rsa [--rows N] [--threads N] [--key PEM] [--openssl-rate OPS]`: decryptions per
// second of N PKCS#1 v1.5 cells, single-threaded and on N threads. argv[0] is "rsa".
// Returns the process exit code.
int rsa_bench_main(int argc, char** argv);

// `ferry_bench cake [--rows N] [--body REPLY.json] [--repeat N] [--zone TZ] [--goal ROWS_PER_S]
// [--piece BYTES] [--write-body PATH]` or `ferry_bench cake --url STAND_IN [--key K] [--hour ISO]`:
// rows per second and memory for turning a Clicks reply (generated, or recorded from the CAKE
// stand-in) into CSV on one core. argv[0] is "cake". Returns the process exit code.
int cake_bench_main(int argc, char** argv);

// `ferry_bench matomo-lines [--lines N] [--repeat N] [--format NAME] [--goal LINES_PER_S]`:
// lines per second for parsing generated combined log lines and building their Matomo hits
// on one core. argv[0] is "matomo-lines". Returns the process exit code (1 if a line was invalid).
int matomo_lines_bench_main(int argc, char** argv);

}  // namespace ferry::bench
