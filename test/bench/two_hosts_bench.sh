#!/usr/bin/env bash
# A queue of jobs worked by one host on SQLite, then by two hosts ticking at once on one
# PostgreSQL state (a throwaway cluster on loopback): the wall time until every job succeeded.
# The jobs are the test pipeline's (FERRY_SELFTEST): each unit sleeps, as a unit waiting on a
# slow API does, so the figure is the sharing of the queue, not the CPU. Each host has its own
# folder (state.dir with its run lock) and its own run.host; their leases keep them apart.
# Goal: two hosts take at most 0.6x one host's time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ferry="$root/bin/ferry"
jobs=${JOBS:-8}
units=${UNITS:-5}
sleep_ms=${SLEEP_MS:-200}
work=$(mktemp -d)
cd "$work"
. "$root/test/bench/postgres_cluster.sh"

export FERRY_SELFTEST=1 FERRY_SELFTEST_UNITS=$units FERRY_SELFTEST_SLEEP_MS=$sleep_ms
printf '[alerts]\nto = []\n' > ferry.toml
export FERRY_CONFIG="$work/ferry.toml"
queue() {  # DIR: one job per day of January 2016, in DIR's state
  FERRY_STATE_DIR="$1/state" FERRY_LOG_DIR="$1/logs" "$ferry" -q init >/dev/null
  for i in $(seq 1 "$jobs"); do
    d=$(printf '2016-01-%02d' "$i")
    FERRY_STATE_DIR="$1/state" FERRY_LOG_DIR="$1/logs" "$ferry" -q queue selftest --from "$d" --to "$d" >/dev/null
  done
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

queue "$work/one"
t0=$(date +%s%N)
FERRY_STATE_DIR="$work/one/state" FERRY_LOG_DIR="$work/one/logs" "$ferry" -q run
one_ms=$(ms_since "$t0")
one_left=$(sqlite3 one/state/ferry.db "select count(*) from jobs where status <> 'succeeded'")

psql_ -d postgres -c "CREATE DATABASE hosts"
export FERRY_STATE_URL
FERRY_STATE_URL=$(url hosts)
queue "$work/a"
t0=$(date +%s%N)
FERRY_RUN_HOST=alpha FERRY_STATE_DIR="$work/a/state" FERRY_LOG_DIR="$work/a/logs" "$ferry" -q run &
a=$!
FERRY_RUN_HOST=beta FERRY_STATE_DIR="$work/b/state" FERRY_LOG_DIR="$work/b/logs" "$ferry" -q run &
b=$!
wait "$a" "$b"
two_ms=$(ms_since "$t0")
two_left=$(psql_ -d hosts -Atc "select count(*) from jobs where status <> 'succeeded'")
split=$(psql_ -d hosts -Atc "select string_agg(r.host || ' ' || n, ', ' order by r.host) from
  (select run_id, count(*) n from jobs group by run_id) j join runs r on r.id = j.run_id")
units_done=$(psql_ -d hosts -Atc "select sum(units_done) from runs")
ratio=$(awk -v a="$two_ms" -v b="$one_ms" 'BEGIN {printf "%.2f", a / b}')
echo "queue:                              $jobs jobs x $units units x ${sleep_ms} ms"
echo "one host, SQLite:                   ${one_ms} ms ($one_left left)"
echo "two hosts, one PostgreSQL state:    ${two_ms} ms ($two_left left; jobs per host: $split;" \
  "$units_done units done)"
echo "ratio two hosts/one host:           ${ratio}x (goal <= 0.6x)"
