#!/usr/bin/env bash
# Matomo import bench: `ferry import matomo --dry-run` lines/s on a generated 1,000,000-line
# combined log (goal >= 2,000,000 lines/s on one core, every hit built; import_logs.py's
# published dry-run figure is about 13,700 lines/s), end-to-end hits/s with 4 recorders against
# the stand-in's `fast` mode (answers success without reading the hits; goal >= 100,000 hits/s),
# and ferry's peak RSS importing a 1 GiB log (goal < 64 MiB). Figures only, nothing asserted.
#
# Usage: test/bench/matomo_bench.sh [LINES]
# Environment: FERRY_BIN (default bin/ferry), MATOMO_BENCH_DIR (default $TMPDIR or /tmp),
# MATOMO_BENCH_GIB (size of the RSS log in GiB, default 1).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ferry="${FERRY_BIN:-$root/bin/ferry}"
lines="${1:-1000000}"
gib="${MATOMO_BENCH_GIB:-1}"
die() { echo "matomo_bench: $*" >&2; exit 1; }
[ -x "$ferry" ] || die "$ferry not found; run 'make bin/ferry' first"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found"
command -v python3 >/dev/null || die "python3 not found"

work="$(mktemp -d "${MATOMO_BENCH_DIR:-${TMPDIR:-/tmp}}/ferry-matomo-bench-XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A combined (ncsa_extended) log: 1,000 visitors, pages, downloads, static files, errors.
awk -v n="$lines" 'BEGIN {
  split("/index.html /a/b/page.php?id=7 /files/report.pdf /img/logo.png /css/site.css /missing", p, " ")
  split("200 200 200 200 304 404", s, " ")
  for (i = 0; i < n; i++) {
    k = i % 6 + 1
    printf "10.%d.%d.%d - - [05/Mar/2015:%02d:%02d:%02d +0100] \"GET %s HTTP/1.1\" %s %d \"https://ref.example/x\" \"Mozilla/5.0 (X11; Linux x86_64) Browser/%d\"\n",
      int(i / 65536) % 256, int(i / 256) % 4, i % 250, int(i / 3600) % 24, int(i / 60) % 60, i % 60,
      p[k], s[k], 100 + i % 5000, i % 7
  }
}' >"$work/access.log"
size=$(stat -c %s "$work/access.log")

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
token="bench-token-0123456789"
python3 "$root/test/standins/matomo_server.py" --port "$port" --token "$token" --mode fast \
  >"$work/standin.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/control/stats" && break
  sleep 0.1
done

cat >"$work/ferry.toml" <<TOML
[state]
dir = "$work/state"
[log]
dir = "$work/logs"
[matomo]
url = "http://127.0.0.1:$port/"
token_auth = "$token"
recorders = 4
batch_size = 1000
[[matomo.site]]
name = "bench"
idsite = 1
format = "ncsa_extended"
main_url = "https://example.org"
TOML

rate() { grep -o '[0-9]* lines/s' "$1" | head -1 | cut -d' ' -f1; }
peak() { grep 'Maximum resident' "$1" | awk '{print int($NF / 1024)}'; }

# 1. Parsing and building every hit, one core.
/usr/bin/time -v taskset -c 0 "$ferry" --config "$work/ferry.toml" -q import matomo --site bench \
  --dry-run "$work/access.log" >"$work/dry.out" 2>"$work/dry.time" || die "dry run failed: $(cat "$work/dry.out" "$work/dry.time")"
echo "dry run: $lines lines ($((size / 1048576)) MiB): $(rate "$work/dry.out") lines/s (goal >= 2000000; import_logs.py --dry-run: about 13700), peak RSS $(peak "$work/dry.time") MiB"

# 2. End to end against the stand-in's fast mode, 4 recorders.
start=$(date +%s.%N)
/usr/bin/time -v "$ferry" --config "$work/ferry.toml" -q import matomo --site bench \
  "$work/access.log" >"$work/send.out" 2>"$work/send.time" || die "import failed: $(cat "$work/send.out" "$work/send.time")"
end=$(date +%s.%N)
hits=$(grep -o '^hits: [0-9]*' "$work/send.out" | cut -d' ' -f2)
received=$(curl -s "http://127.0.0.1:$port/control/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits_received"])')
echo "end to end: $hits hits ($received received by the stand-in) in $(python3 -c "print(round($end - $start, 2))") s: $(python3 -c "print(int($hits / ($end - $start)))") hits/s (goal >= 100000), peak RSS $(peak "$work/send.time") MiB"

# 3. Peak memory on a 1 GiB log (the generated one repeated), dry run.
big="$work/big.log"
: >"$big"
while [ "$(stat -c %s "$big")" -lt $((gib * 1073741824)) ]; do cat "$work/access.log" >>"$big"; done
rm -f "$work/access.log"
/usr/bin/time -v "$ferry" --config "$work/ferry.toml" -q import matomo --site bench --dry-run \
  "$big" >"$work/big.out" 2>"$work/big.time" || die "1 GiB dry run failed"
echo "1 GiB log ($(($(stat -c %s "$big") / 1048576)) MiB): $(rate "$work/big.out") lines/s, peak RSS $(peak "$work/big.time") MiB (goal < 64)"
