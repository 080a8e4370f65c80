#!/usr/bin/env bash
# Runs every benchmark script in this folder and prints their figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
for b in test/bench/*_bench.sh; do
  echo "== $(basename "$b" .sh)"
  bash "$b"
  echo
done
