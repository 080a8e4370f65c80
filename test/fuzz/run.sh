#!/usr/bin/env bash
# Runs each named fuzz target (bin/fuzz/<name>, built by `make fuzz`) for FUZZ_TIME seconds on
# its corpus test/fuzz/corpus/<name>/, then keeps the smallest set of inputs that reaches all the
# code the corpus and the new inputs reach (-merge=1), beside the named seed-* and crash-* ones. A crash is saved as build/fuzz/artifacts/<name>/crash-*;
# the script goes on with the other targets and exits 1 at the end if any target failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
time_s=${FUZZ_TIME:-60}
bin_dir=${FUZZ_BIN_DIR:-bin/fuzz}
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=()
# Replaces the hash-named inputs of corpus $2 by the smallest set that covers all it and folder
# $3 reach (-merge=1 into an empty folder); named inputs (seed-*, crash-*) are always kept.
minimize() {
  local bin=$1 corpus=$2 new=$3 min f
  min=$(mktemp -d)
  if ! "$bin" -merge=1 "$min" "$corpus" "$new"; then
    rm -rf "$min"
    return 1
  fi
  for f in "$corpus"/seed-* "$corpus"/crash-*; do
    [ -f "$f" ] && rm -f "$min/$(sha1sum <"$f" | cut -c1-40)"
  done
  find "$corpus" -type f ! -name 'seed-*' ! -name 'crash-*' -delete
  find "$min" -type f -exec cp {} "$corpus"/ \;
  rm -rf "$min"
}
for t in "$@"; do
  bin=$bin_dir/$t corpus=test/fuzz/corpus/$t
  art=build/fuzz/artifacts/$t log=build/fuzz/logs/$t.log
  new=$(mktemp -d)
  mkdir -p "$corpus" "$art" "$(dirname "$log")"
  before=$(find "$corpus" -type f | wc -l)
  # New inputs go to the first folder (a temporary one); the kept corpus is only read.
  "$bin" -max_total_time="$time_s" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art/" "$new" "$corpus" >"$log" 2>&1
  rc=$?
  minimize "$bin" "$corpus" "$new" >>"$log" 2>&1 || echo "fuzz $t: merge failed, corpus left as it was"
  rm -rf "$new"
  after=$(find "$corpus" -type f | wc -l)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    echo "fuzz $t: FAILED (exit $rc) after ${runs:-?} runs; see $log and $art/"
    grep -m1 -E 'ERROR: |runtime error|deadly signal|uncaught exception|terminate called' "$log"
  else
    echo "fuzz $t: ok, ${runs:-?} runs in ${time_s}s; corpus $before -> $after inputs"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}"
  exit 1
fi
