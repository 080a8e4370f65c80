#!/usr/bin/env bash
# `ferry state migrate` of a state with history into PostgreSQL, next to the tools an operator
# would otherwise use: pgloader (which reads a SQLite file and makes the tables itself), and
# each table's rows as CSV from `sqlite3` piped into psql's `\copy` (into the same schema,
# copied with `pg_dump --schema-only`). The state holds MIGRATE_RUNS runs (default 200,000),
# as many run_stats rows, a tenth as many jobs and two outputs per job. A throwaway PostgreSQL
# cluster runs on loopback with its default settings. Wall time (best of MIGRATE_ROUNDS, 3)
# and peak RSS of each; ratios are ferry's time over the other's.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ferry="$root/bin/ferry"
runs=${MIGRATE_RUNS:-200000}
rounds=${MIGRATE_ROUNDS:-3}
work=$(mktemp -d)
cd "$work"
. "$root/test/bench/postgres_cluster.sh"

printf '[alerts]\nto = []\n' > ferry.toml
export FERRY_CONFIG="$work/ferry.toml"
"$ferry" -q init >/dev/null 2>&1
sqlite3 state/ferry.db "
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $runs)
  INSERT INTO runs(id, started_at, finished_at, outcome, pid, units_done, note)
  SELECT i, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'ok', 1000 + i, i % 7, '' FROM n;
  INSERT INTO run_stats(run_id, name, value) SELECT id, 'cake:rows', id * 3 FROM runs;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $runs / 10)
  INSERT INTO jobs(id, kind, status, from_date, to_date, params, checkpoint, run_id, created_at,
                   started_at, finished_at, updated_at)
  SELECT i, 'cake-clicks', 'succeeded', '2026-01-01', '2026-01-02', '{\"offer\":\"12\"}',
         '2026-01-02T23', i * 10, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
         '2026-01-01T01:00:00Z', '2026-01-01T01:00:00Z' FROM n;
  INSERT INTO job_outputs(job_id, name, path, s3_target, s3_key, size, sha256, rows, created_at)
  SELECT id, 'clicks_' || id || '_' || h || '.csv', 'data/cake/clicks_' || id || '.csv',
         'reports', 'cake/clicks_' || id || '.csv', 123456, hex(randomblob(32)), 1000,
         '2026-01-01T01:00:00Z'
  FROM jobs, (SELECT 0 AS h UNION ALL SELECT 1);"
rows=$(sqlite3 state/ferry.db "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM run_stats)
  + (SELECT count(*) FROM jobs) + (SELECT count(*) FROM job_outputs)")
size=$(du -k state/ferry.db | cut -f1)
tables=$(sqlite3 state/ferry.db "SELECT name FROM sqlite_master WHERE type = 'table'
  AND name <> 'schema_versions' ORDER BY rowid")

n=0
best() {  # sets t and m: the best wall seconds of "$@" over $rounds rounds, each into a new
  t="" m=""  # database (named by the command's last argument), and that round's peak RSS (KiB)
  for _ in $(seq "$rounds"); do
    n=$((n + 1))
    psql_ -d postgres -c "CREATE DATABASE d$n"
    "$@" "d$n" >/dev/null 2>time.err || { cat time.err >&2; exit 1; }
    local rt rm
    read -r rt rm < <(tail -1 time.err)
    if [ -z "$t" ] || awk -v a="$rt" -v c="$t" 'BEGIN {exit !(a < c)}'; then t=$rt; m=$rm; fi
  done
}
run_ferry() { /usr/bin/time -f '%e %M' "$ferry" -q state migrate --to "$(url "$1")"; }
schema_db=""
run_copy() {
  pg_dump -s -h 127.0.0.1 -p "$port" -U ferry "$schema_db" | psql_ -d "$1" >/dev/null
  /usr/bin/time -f '%e %M' bash -c '
    for t in '"$(echo $tables)"'; do
      sqlite3 -csv -cmd ".nullvalue \\N" state/ferry.db "SELECT * FROM \"$t\"" |
        psql -X -q -h 127.0.0.1 -p '"$port"' -U ferry -v ON_ERROR_STOP=1 -d '"$1"' \
          -c "\\copy \"$t\" FROM STDIN WITH (FORMAT csv, NULL '"'\\\\N'"')"
    done'
}
run_pgloader() {
  /usr/bin/time -f '%e %M' pgloader --quiet "sqlite://$work/state/ferry.db" "$(url "$1")"
}

best run_ferry
f_t=$t f_m=$m
schema_db="d$n"
best run_copy
c_t=$t c_m=$m
check=$(psql_ -d "d$n" -Atc "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM run_stats)
  + (SELECT count(*) FROM jobs) + (SELECT count(*) FROM job_outputs)")
[ "$check" = "$rows" ] || { echo "sqlite3 | psql copied $check rows of $rows" >&2; exit 1; }
echo "state: $rows rows in runs, run_stats, jobs and job_outputs; ferry.db $((size / 1024)) MiB"
printf '  ferry state migrate:          %6.2f s  peak RSS %6.1f MiB\n' "$f_t" "$(awk -v m="$f_m" 'BEGIN {print m / 1024}')"
printf '  sqlite3 -csv | psql \\copy:    %6.2f s  peak RSS %6.1f MiB (largest process)  ratio %.2fx\n' \
  "$c_t" "$(awk -v m="$c_m" 'BEGIN {print m / 1024}')" "$(awk -v a="$f_t" -v b="$c_t" 'BEGIN {print a / b}')"
if command -v pgloader >/dev/null 2>&1; then
  best run_pgloader
  p_t=$t p_m=$m
  printf '  pgloader:                     %6.2f s  peak RSS %6.1f MiB  ratio %.2fx\n' \
    "$p_t" "$(awk -v m="$p_m" 'BEGIN {print m / 1024}')" "$(awk -v a="$f_t" -v b="$p_t" 'BEGIN {print a / b}')"
else
  echo "  pgloader: not installed (make bench installs it)"
fi
