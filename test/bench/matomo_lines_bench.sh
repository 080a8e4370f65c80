#!/usr/bin/env bash
# Matomo line bench: lines per second for parsing 1,000,000 generated combined (ncsa_extended)
# log lines and building every hit's JSON on one core, in memory (no file, no network).
# Goal: at least 2,000,000 lines/s.
# Usage: test/bench/matomo_lines_bench.sh   (needs bin/ferry_bench: `make bin/ferry_bench`)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="${FERRY_BENCH_BIN:-$root/bin/ferry_bench}"
if [ ! -x "$bench" ]; then
  echo "matomo_lines_bench: $bench not found; run 'make bin/ferry_bench' first" >&2
  exit 1
fi
"$bench" matomo-lines --lines 1000000 --format ncsa_extended
echo "-- the same lines with format detection"
"$bench" matomo-lines --lines 1000000 --format auto --repeat 1
