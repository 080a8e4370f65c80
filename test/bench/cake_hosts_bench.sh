#!/usr/bin/env bash
# One CAKE clicks backfill (DAYS days, one file per hour) exported from the CAKE stand-in to
# s3rver: by one host on SQLite (one call at a time), then by two hosts ticking at once on one
# PostgreSQL state (a throwaway cluster on loopback) with cake.max_concurrent_calls = 2, each
# hour claimed by one of them. Every call waits SLOW seconds at the stand-in, as calls to a busy
# CAKE instance do, so the figure is the sharing of the hours, not the CPU. Also printed: the
# most calls the stand-in saw in flight, and windows asked for twice (goal: none).
# Goal: two hosts take at most 0.6x one host's time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ferry="${FERRY_BIN:-$root/bin/ferry}"
s3rver="$root/test/node_modules/s3rver/bin/s3rver.js"
days=${DAYS:-14}
slow=${SLOW:-0.05}
die() { echo "cake_hosts_bench: $*" >&2; exit 1; }
[ -x "$ferry" ] || die "$ferry not found; run 'make bin/ferry' first"
[ -f "$s3rver" ] || die "s3rver not installed; run 'make deps' (npm install in test/)"
work=$(mktemp -d "${TMPDIR:-/tmp}/ferry-cake-hosts-XXXXXX")
cd "$work"
. "$root/test/bench/postgres_cluster.sh"
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  stop_postgres
}
trap stop_all EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
cake_port=$(free_port)
python3 "$root/test/standins/cake_server.py" --port "$cake_port" --api-key bench-key \
  >"$work/cake.log" 2>&1 &
pids+=($!)
s3_port=$(free_port)
mkdir -p "$work/s3rver"
node --openssl-legacy-provider "$s3rver" -d "$work/s3rver" -a 127.0.0.1 -p "$s3_port" \
  --configure-bucket bench -s >"$work/s3rver.log" 2>&1 &
pids+=($!)
wait_port "$cake_port" || die "the CAKE stand-in did not start (see $work/cake.log)"
wait_port "$s3_port" || die "s3rver did not start (see $work/s3rver.log)"
control() { curl -sS -X "$1" "http://127.0.0.1:$cake_port/_control$2" ${3:+--data-binary "$3"}; }

config() {  # DIR PREFIX: a host's config in DIR, exporting under PREFIX
  mkdir -p "$1"
  cat >"$1/ferry.toml" <<TOML
[state]
dir = "$1/state"
[log]
dir = "$1/logs"
[alerts]
to = []
[run]
max_time = "2h"
[cake]
admin_url = "http://127.0.0.1:$cake_port"
api_key = "bench-key"
output_dir = "$1/exports"
keep_local = false
s3_prefix = "$2"
click_window = "1h"
max_concurrent_calls = 2
[s3.reports]
endpoint = "http://127.0.0.1:$s3_port"
bucket = "bench"
path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
TOML
}
to=$(date -u -d "2016-01-01 + $((days - 1)) days" +%Y-%m-%d)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
repeats() {  # windows of Clicks calls in the stand-in's log asked for more than once
  control GET /log | python3 -c 'import collections, json, sys
c = collections.Counter((e["start_date"], e["end_date"], e["start_at_row"])
                        for e in json.load(sys.stdin) if e.get("method") == "Clicks")
print(sum(1 for n in c.values() if n > 1))'
}
begin() {  # the stand-in slow, its counts cleared
  control DELETE "" >/dev/null
  control POST "" "{\"mode\": \"slow\", \"seconds\": $slow, \"count\": 1000000}" >/dev/null
  control DELETE /stats >/dev/null
  control DELETE /log >/dev/null
}
in_flight() { control GET /stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["max_in_flight"])'; }

config "$work/one" one/
FERRY_CONFIG="$work/one/ferry.toml" "$ferry" -q init >/dev/null 2>&1
FERRY_CONFIG="$work/one/ferry.toml" "$ferry" -q queue cake-clicks --from 2016-01-01 --to "$to" >/dev/null
begin
t0=$(date +%s%N)
FERRY_CONFIG="$work/one/ferry.toml" "$ferry" -q run
one_ms=$(ms_since "$t0")
one_flight=$(in_flight)
one_status=$(sqlite3 one/state/ferry.db "select status || ' ' || progress_done from jobs")

psql_ -d postgres -c "CREATE DATABASE hosts"
export FERRY_STATE_URL
FERRY_STATE_URL=$(url hosts)
config "$work/a" two/
config "$work/b" two/
FERRY_CONFIG="$work/a/ferry.toml" "$ferry" -q queue cake-clicks --from 2016-01-01 --to "$to" >/dev/null
begin
t0=$(date +%s%N)
FERRY_RUN_HOST=alpha FERRY_CONFIG="$work/a/ferry.toml" "$ferry" -q run &
a=$!
FERRY_RUN_HOST=beta FERRY_CONFIG="$work/b/ferry.toml" "$ferry" -q run &
b=$!
wait "$a" "$b"
two_ms=$(ms_since "$t0")
two_flight=$(in_flight)
two_repeats=$(repeats)
two_status=$(psql_ -d hosts -Atc "select status || ' ' || progress_done from jobs")
split=$(psql_ -d hosts -Atc "select string_agg(host || ' ' || units_done, ', ' order by host)
  from runs")
ratio=$(awk -v a="$two_ms" -v b="$one_ms" 'BEGIN {printf "%.2f", a / b}')
echo "backfill:                           $days days of clicks, $((days * 24)) hours, ${slow} s per call"
echo "one host, SQLite:                   ${one_ms} ms (job $one_status; most calls in flight $one_flight)"
echo "two hosts, one PostgreSQL state:    ${two_ms} ms (job $two_status; hours per host: $split;" \
  "most calls in flight $two_flight; windows asked twice: $two_repeats)"
echo "ratio two hosts/one host:           ${ratio}x (goal <= 0.6x)"
