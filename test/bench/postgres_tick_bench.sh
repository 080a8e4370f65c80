#!/usr/bin/env bash
# A `ferry run` tick with nothing due on a PostgreSQL state (a throwaway cluster on loopback,
# default settings) holding 10,000 finished jobs, next to the same tick on SQLite with the same
# jobs, and next to `psql -c 'select count(*) from jobs'` on the same database: the idle tick's
# cost is mostly connecting and one short transaction, as that query's is.
# Goal: the PostgreSQL tick costs at most 3x the psql query. Medians of N runs (wall clock).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ferry="$root/bin/ferry"
runs=${RUNS:-21}
work=$(mktemp -d)
cd "$work"
. "$root/test/bench/postgres_cluster.sh"

. "$root/test/bench/timing.sh"

jobs_sql="INSERT INTO jobs(kind, status, from_date, to_date, progress_done, progress_total,
                           created_at, started_at, finished_at, updated_at)
          SELECT 'cake-clicks', 'succeeded', '2016-01-10', '2016-01-11', 48, 48,
                 '2016-01-11T00:00:00Z', '2016-01-11T00:00:00Z', '2016-01-11T01:00:00Z',
                 '2016-01-11T01:00:00Z'"
printf '[alerts]\nto = []\n' > ferry.toml
export FERRY_CONFIG="$work/ferry.toml"

"$ferry" -q run  # SQLite
sqlite3 state/ferry.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < 10000) $jobs_sql FROM n;"
"$ferry" -q run
sqlite_tick=$(median_ms "$ferry" -q run)

psql_ -d postgres -c "CREATE DATABASE ticks"
export FERRY_STATE_URL
FERRY_STATE_URL=$(url ticks)
"$ferry" -q run
psql_ -d ticks -c "$jobs_sql FROM generate_series(1, 10000)"
"$ferry" -q run  # the day's pruning pass, once
jobs=$(psql_ -d ticks -Atc 'select count(*) from jobs')
pg_tick=$(median_ms "$ferry" -q run)
query=$(median_ms psql_ -d ticks -Atc 'select count(*) from jobs')
ratio=$(awk -v a="$pg_tick" -v b="$query" 'BEGIN {printf "%.2f", a / b}')
echo "jobs in database:                   $jobs"
echo "ferry run tick on SQLite:           ${sqlite_tick} ms (median of $runs)"
echo "ferry run tick on PostgreSQL:       ${pg_tick} ms (median of $runs)"
echo "psql select count(*) from jobs:     ${query} ms (median of $runs)"
echo "ratio PostgreSQL tick/psql query:   ${ratio}x (goal <= 3x)"
