#!/usr/bin/env bash
# RSA decryption bench: ferry's decryptions per second on 20,000 PKCS#1 v1.5 cells (one thread
# and every core) next to `openssl speed -seconds 3 rsa2048` private-key operations per second
# on one core, then `openssl speed -multi N` on every core right after ferry's own run on every
# core, so both see the same load from the rest of the machine ("the cores actually free").
# Goal: per core used, at least 90% of OpenSSL's rate.
# Usage: test/bench/rsa_bench.sh [--rows N] [--threads N]   (from the repository root; needs
# bin/ferry_bench, built by `make bench` or `make bin/ferry_bench`)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="${FERRY_BENCH_BIN:-$root/bin/ferry_bench}"
if [ ! -x "$bench" ]; then
  echo "rsa_bench: $bench not found; run 'make bin/ferry_bench' first" >&2
  exit 1
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ferry-rsa-bench-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

openssl genrsa -traditional -out "$tmp/key.pem" 2048 2>/dev/null

# The private-key rate of `openssl speed`: the "decr./s" column where this OpenSSL prints one
# (3.2 and later), else "sign/s" (an RSA signature is the same private-key operation).
openssl speed -seconds 3 rsa2048 >"$tmp/speed.txt" 2>/dev/null
rate="$(awk '
  /sign\/s/ { for (i = 1; i <= NF; i++) { if ($i == "sign/s" && !col) col = i; if ($i == "decr./s") dcol = i } }
  /^rsa +2048 +bits/ { line = $0 }
  END { if (dcol) col = dcol; if (!col || line == "") exit 1; split(line, f, " +"); print f[col + 3] }
' "$tmp/speed.txt")" || { echo "rsa_bench: cannot parse openssl speed output:" >&2; cat "$tmp/speed.txt" >&2; exit 1; }
echo "openssl speed -seconds 3 rsa2048: $(grep -E '^rsa +2048 +bits' "$tmp/speed.txt")"

"$bench" rsa --key "$tmp/key.pem" --openssl-rate "$rate" --rows 20000 "$@" | tee "$tmp/ferry.txt"

# Every core, back to back with ferry's run on every core.
cores="$(nproc)"
openssl speed -multi "$cores" -seconds 3 rsa2048 >"$tmp/multi.txt" 2>/dev/null
multi="$(awk '
  /sign\/s/ { for (i = 1; i <= NF; i++) { if ($i == "sign/s" && !col) col = i; if ($i == "decr./s") dcol = i } }
  /^rsa +2048 +bits/ { line = $0 }
  END { if (dcol) col = dcol; if (!col || line == "") exit 1; split(line, f, " +"); print f[col + 3] }
' "$tmp/multi.txt")" || { echo "rsa_bench: cannot parse openssl speed -multi output" >&2; exit 1; }
ferry_many="$(awk '/ threads: / { print $4; exit }' "$tmp/ferry.txt")"
awk -v m="$multi" -v f="$ferry_many" -v n="$cores" 'BEGIN {
  printf "rsa: openssl speed -multi %d rsa2048: %.0f private ops/s\n", n, m
  if (f > 0 && m > 0) printf "rsa: ferry on %d threads / openssl -multi %d: %5.1f%% (goal >= 90%%)\n", n, n, 100 * f / m
}'
