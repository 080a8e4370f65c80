#!/usr/bin/env bash
# A `ferry run` tick with nothing due, on a database holding 10,000 finished jobs and then also
# 100,000 and 1,000,000 finished runs of history (a year of */5 ticks is 105,120), next to
# `sqlite3 state/ferry.db 'select count(*) from jobs'` on the same database.
# Goal: the tick costs at most 2x that query at every size. Medians of N runs (wall clock).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ferry="$root/bin/ferry"
runs=${RUNS:-21}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf '[alerts]\nto = []\n' > ferry.toml
export FERRY_CONFIG="$work/ferry.toml"
"$ferry" -q run
sqlite3 state/ferry.db "
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
  INSERT INTO jobs(kind, status, from_date, to_date, progress_done, progress_total,
                   created_at, started_at, finished_at, updated_at)
  SELECT 'cake-clicks', 'succeeded', '2016-01-10', '2016-01-11', 48, 48,
         '2016-01-11T00:00:00Z', '2016-01-11T00:00:00Z', '2016-01-11T01:00:00Z',
         '2016-01-11T01:00:00Z' FROM n;"

. "$root/test/bench/timing.sh"

jobs=$(sqlite3 state/ferry.db 'select count(*) from jobs')
echo "jobs in database:              $jobs"
add_runs() {  # $1 finished runs spread over the last 365 days (younger than state.keep_history)
  sqlite3 state/ferry.db "
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
    INSERT INTO runs(started_at, finished_at, outcome, pid)
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-365 days', '+' || (i * 31536000 / $1) || ' seconds'),
           strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-365 days', '+' || (i * 31536000 / $1) || ' seconds'),
           'ok', 1 FROM n;"
}
for history in 0 100000 900000; do
  [ "$history" -eq 0 ] || add_runs "$history"
  "$ferry" -q run  # the day's pruning pass, once
  runs_now=$(sqlite3 state/ferry.db 'select count(*) from runs')
  tick=$(median_ms "$ferry" -q run)
  query=$(median_ms sqlite3 state/ferry.db 'select count(*) from jobs')
  ratio=$(awk -v a="$tick" -v b="$query" 'BEGIN {printf "%.2f", a / b}')
  echo "runs in database:              $runs_now"
  echo "  ferry run tick (nothing due):  ${tick} ms (median of $runs)"
  echo "  sqlite3 count(*) query:        ${query} ms (median of $runs)"
  echo "  ratio tick/query:              ${ratio}x (goal <= 2x)"
done
