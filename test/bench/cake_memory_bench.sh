#!/usr/bin/env bash
# CAKE export memory bench: peak resident memory (GNU time's "Maximum resident set size") of
# one `ferry run` that exports a one-day and then a seven-day cake-clicks job against the CAKE
# stand-in and s3rver on loopback, with rows per second for each.
# Goal: the seven-day export's peak within 10% of the one-day export's (memory holds one reply
# and one hour file's buffers, whatever the range).
#
# Usage: test/bench/cake_memory_bench.sh
# Environment: FERRY_BIN (default bin/ferry), CAKE_BENCH_CLICKS_PER_HOUR (default 2000).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ferry="${FERRY_BIN:-$root/bin/ferry}"
s3rver="$root/test/node_modules/s3rver/bin/s3rver.js"
per_hour="${CAKE_BENCH_CLICKS_PER_HOUR:-2000}"

die() { echo "cake_memory_bench: $*" >&2; exit 1; }
[ -x "$ferry" ] || die "$ferry not found; run 'make bin/ferry' first"
[ -f "$s3rver" ] || die "s3rver not installed; run 'make deps' (npm install in test/)"
command -v node >/dev/null || die "node not found"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found"

work="$(mktemp -d "${TMPDIR:-/tmp}/ferry-cake-mem-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

cake_port="$(free_port)"
/usr/bin/python3 "$root/test/standins/cake_server.py" --port "$cake_port" --seed 3 \
  --clicks-per-hour "$per_hour" --api-key bench-key >"$work/cake.log" 2>&1 &
pids+=($!)
s3_port="$(free_port)"
mkdir -p "$work/s3rver"
node --openssl-legacy-provider "$s3rver" -d "$work/s3rver" -a 127.0.0.1 -p "$s3_port" \
  --configure-bucket bench -s >"$work/s3rver.log" 2>&1 &
pids+=($!)
wait_port "$cake_port" || die "the CAKE stand-in did not start (see $work/cake.log)"
wait_port "$s3_port" || die "s3rver did not start (see $work/s3rver.log)"

# Exports DAYS days of clicks from 10-01-2016 in one run; prints "peak_kib rows seconds".
export_days() {
  local days="$1" dir="$work/run-$1"
  mkdir -p "$dir"
  cat >"$dir/ferry.toml" <<TOML
[state]
dir = "$dir/state"
[log]
dir = "$dir/logs"
[alerts]
to = []
[run]
max_time = "2h"
[cake]
admin_url = "http://127.0.0.1:$cake_port"
api_key = "bench-key"
output_dir = "$dir/exports"
keep_local = false
s3_prefix = "days-$days/"
[s3.reports]
endpoint = "http://127.0.0.1:$s3_port"
bucket = "bench"
path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
TOML
  local to
  to="$(date -u -d "2016-01-10 + $((days - 1)) days" +%d-%m-%Y)"
  FERRY_CONFIG="$dir/ferry.toml" FERRY_NOW= "$ferry" -q queue cake-clicks --from 10-01-2016 \
    --to "$to" >/dev/null
  local t0 t1
  t0=$(date +%s%N)
  FERRY_CONFIG="$dir/ferry.toml" FERRY_NOW= /usr/bin/time -v -o "$dir/time.txt" "$ferry" -q run
  t1=$(date +%s%N)
  local status rows peak
  status="$(sqlite3 "$dir/state/ferry.db" 'select status from jobs')"
  [ "$status" = succeeded ] || die "the $days-day job ended $status (see $dir/logs)"
  rows="$(sqlite3 "$dir/state/ferry.db" 'select sum(rows) from job_outputs')"
  peak="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")"
  echo "$peak $rows $(( (t1 - t0) / 1000000 ))"
}

read -r one_peak one_rows one_ms <<<"$(export_days 1)"
read -r seven_peak seven_rows seven_ms <<<"$(export_days 7)"
ratio=$(awk -v a="$seven_peak" -v b="$one_peak" 'BEGIN {printf "%.3f", a / b}')
rate() { awk -v r="$1" -v ms="$2" 'BEGIN {printf "%.0f", r * 1000 / (ms > 0 ? ms : 1)}'; }
echo "clicks per hour (stand-in):   $per_hour"
echo "one-day export:   peak RSS ${one_peak} KiB, ${one_rows} rows in ${one_ms} ms ($(rate "$one_rows" "$one_ms") rows/s end to end)"
echo "seven-day export: peak RSS ${seven_peak} KiB, ${seven_rows} rows in ${seven_ms} ms ($(rate "$seven_rows" "$seven_ms") rows/s end to end)"
echo "peak ratio seven-day/one-day: ${ratio} (goal <= 1.10)"
