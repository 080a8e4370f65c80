#!/usr/bin/env bash
# WeNet bench, against the WeNet stand-in on loopback:
#  1. a users report of 10,000 users whose profiles each take 200 ms (stand-in slow mode on
#     /profile_manager), next to the ideal 10,000 x 200 ms / wenet.parallel (goal <= 1.2x: the
#     calls, not ferry, set the time);
#  2. peak resident memory (GNU time) of a 1,000,000-message dump (goal < 128 MiB: messages are
#     streamed to the file, not held).
#
# Usage: test/bench/wenet_bench.sh
# Environment: FERRY_BIN (default bin/ferry), WENET_BENCH_USERS (10000), WENET_BENCH_PARALLEL
# (25), WENET_BENCH_MESSAGES (1000000).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ferry="${FERRY_BIN:-$root/bin/ferry}"
users="${WENET_BENCH_USERS:-10000}"
parallel="${WENET_BENCH_PARALLEL:-25}"
messages="${WENET_BENCH_MESSAGES:-1000000}"
latency_ms=200
key="bench-wenet-key"

die() { echo "wenet_bench: $*" >&2; exit 1; }
[ -x "$ferry" ] || die "$ferry not found; run 'make bin/ferry' first"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found"

work="$(mktemp -d "${TMPDIR:-/tmp}/ferry-wenet-bench-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# The data set: USERS users of app1 with profiles, a few messages, MESSAGES messages of app2.
/usr/bin/python3 - "$work/data.json" "$users" "$messages" <<'PY'
import json, sys
path, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
users = [{"id": "u%d" % i, "enabled": 1627000000} for i in range(n)]
profiles = {"u%d" % i: {"id": "u%d" % i, "name": {"first": "F%d" % i, "last": "L"},
                        "email": "u%d@example.org" % i, "gender": "F"} for i in range(n)}
empty = {"details": {"name": "x"}, "users": []}
doc = {"apps": {"app1": {"details": {"id": "app1", "name": "App One"}, "users": users},
                "app2": {"details": {"id": "app2", "name": "App Two"}, "users": []},
                "ilog": empty, "survey": empty},
       "profiles": profiles, "cohorts": [],
       "message_bursts": [
           {"project": "app1", "count": 2000, "start": "2021-07-30T00:00:00", "step_ms": 1000,
            "users": n},
           {"project": "app2", "count": m, "start": "2021-07-01T00:00:00", "step_ms": 100,
            "users": 1000}]}
json.dump(doc, open(path, "w"))
PY

port="$(free_port)"
/usr/bin/python3 "$root/test/standins/wenet_server.py" --data "$work/data.json" --port "$port" \
  --api-key "$key" --compute-delay 0.05 >"$work/wenet.log" 2>&1 &
pids+=($!)
wait_port "$port" || die "the WeNet stand-in did not start (see $work/wenet.log)"
base="http://127.0.0.1:$port"

config() {  # config APP PARALLEL PAGE
  cat >"$work/ferry-$1.toml" <<TOML
[state]
dir = "$work/state"
[log]
dir = "$work/logs"
[alerts]
to = []
[run]
max_time = "2h"
[wenet]
instance = "$base"
apikey = "$key"
app_id = "$1"
ilog_id = "ilog"
survey_id = "survey"
parallel = $2
messages_page = $3
output_dir = "$work/exports"
TOML
}

# 1. users report with slow profiles.
config app1 "$parallel" 10000
curl -sf -X POST -H 'Content-Type: application/json' \
  -d "{\"path\": \"/profile_manager\", \"ms\": $latency_ms, \"count\": -1}" \
  "$base/control/slow" >/dev/null || die "cannot set the stand-in's slow mode"
FERRY_CONFIG="$work/ferry-app1.toml" FERRY_NOW= "$ferry" -q init >/dev/null 2>&1
t0=$(date +%s%N)
FERRY_CONFIG="$work/ferry-app1.toml" FERRY_NOW= "$ferry" -q report wenet users --range ALL \
  || die "the users report failed (see $work/logs)"
t1=$(date +%s%N)
curl -sf -X DELETE "$base/control/faults" >/dev/null
ms=$(( (t1 - t0) / 1000000 ))
ideal=$(( users * latency_ms / parallel ))
ratio=$(awk -v a="$ms" -v b="$ideal" 'BEGIN {printf "%.3f", a / b}')
echo "users report: $users users, profiles ${latency_ms} ms each, parallel $parallel"
echo "  took ${ms} ms; ideal ${users} x ${latency_ms} ms / ${parallel} = ${ideal} ms; ratio ${ratio} (goal <= 1.2)"

# 2. peak RSS of a large messages dump.
config app2 4 10000
t0=$(date +%s%N)
FERRY_CONFIG="$work/ferry-app2.toml" FERRY_NOW= /usr/bin/time -v -o "$work/time.txt" \
  "$ferry" -q report wenet messages --from 2021-07-01 --to 2021-08-01 \
  || die "the messages dump failed (see $work/logs)"
t1=$(date +%s%N)
peak="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")"
file="$(ls -d "$work"/exports/app2_*/messages.json)"
size=$(stat -c %s "$file")
echo "messages dump: $messages messages ($((size / 1048576)) MiB of JSON) in $(( (t1 - t0) / 1000000 )) ms"
echo "  peak RSS ${peak} KiB = $((peak / 1024)) MiB (goal < 128 MiB)"
