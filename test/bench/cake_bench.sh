#!/usr/bin/env bash
# CAKE conversion bench: rows per second for turning a 100,000-row Clicks reply into CSV on one
# core, first on a reply generated in C++, then on one recorded from the CAKE stand-in.
# Goal: at least 200,000 rows/s.
# Usage: test/bench/cake_bench.sh   (from anywhere; needs bin/ferry_bench, built by `make bench`
# or `make bin/ferry_bench`, and /usr/bin/python3 and curl for the recorded reply)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="${FERRY_BENCH_BIN:-$root/bin/ferry_bench}"
if [ ! -x "$bench" ]; then
  echo "cake_bench: $bench not found; run 'make bin/ferry_bench' first" >&2
  exit 1
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ferry-cake-bench-XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "-- generated reply"
"$bench" cake --rows 100000

echo "-- reply recorded from the stand-in (test/standins/cake_server.py)"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
/usr/bin/python3 "$root/test/standins/cake_server.py" --port "$port" --seed 5 \
  --dense "clicks,2016-01-10T00:00:00,2016-01-10T01:00:00,100000" --clicks-per-hour 0 \
  >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q listening "$tmp/server.log" 2>/dev/null && break
  sleep 0.1
done
curl -sS --max-time 300 -o "$tmp/clicks.json" -X POST -H 'Content-Type: application/json' \
  "http://127.0.0.1:$port/api/11/reports.asmx/Clicks" \
  --data-binary '{"api_key":"test-api-key","start_date":"01/10/2016 00:00:00","end_date":"01/10/2016 01:00:00","affiliate_id":0,"advertiser_id":0,"offer_id":0,"campaign_id":0,"creative_id":0,"price_format_id":0,"include_duplicates":"False","include_tests":"False","start_at_row":0,"row_limit":0}'
"$bench" cake --body "$tmp/clicks.json"
