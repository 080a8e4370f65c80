#!/usr/bin/env bash
# Runs the test binary as FERRY_TEST_SHARDS GoogleTest shards at once (default: one per core,
# at most 4), each test in exactly one shard, and ends with one summary line over all of them:
# `tests: N passed, N failed[, N skipped][, N set-up or tear-down failures]`. Most of the
# suite's time is spent waiting (servers, timeouts, child processes), so shards side by side
# take about half the time of one process on two cores. Each line of a shard's output is
# printed as it comes, prefixed with the shard's number; a shard that fails has its failures
# listed again at the end. Exits 1 when any shard fails.
#
# Usage: test/scripts/run_tests.sh BIN [ARGS...]   (ARGS go to every shard, e.g. a filter)
set -uo pipefail
bin="$1"
shift
shards="${FERRY_TEST_SHARDS:-$(nproc 2>/dev/null || echo 1)}"
[ "$shards" -le 4 ] || shards=4
if [ "$shards" -le 1 ]; then
  exec "$bin" "$@"
fi

dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ((i = 0; i < shards; i++)); do
  (
    GTEST_TOTAL_SHARDS="$shards" GTEST_SHARD_INDEX="$i" "$bin" "$@" 2>&1
    echo "$?" >"$dir/$i.rc"
  ) | tee "$dir/$i.log" | sed -u "s/^/[$i] /" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
pids=()

passed=0 failed=0 skipped=0 broken=0 rc=0
for ((i = 0; i < shards; i++)); do
  code=$(cat "$dir/$i.rc" 2>/dev/null || echo 1)
  line=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$dir/$i.log" | tail -1)
  if [ -z "$line" ]; then
    echo "run_tests: shard $i of $shards ended (exit $code) without its summary line"
    rc=1
    continue
  fi
  [ "$code" = 0 ] || rc=1
  n() { sed -nE "s/.* ([0-9]+) $1.*/\\1/p" <<<"$line"; }
  passed=$((passed + $(n passed)))
  failed=$((failed + $(n failed)))
  skipped=$((skipped + $(n skipped | grep . || echo 0)))
  broken=$((broken + $(n 'set-up' | grep . || echo 0)))
  if [ "$code" != 0 ]; then
    echo "== shard $i of $shards failed:"
    grep -E '^\[  FAILED  \]' "$dir/$i.log" | sort -u
  fi
done
summary="tests: $passed passed, $failed failed"
[ "$skipped" = 0 ] || summary+=", $skipped skipped"
[ "$broken" = 0 ] || summary+=", $broken set-up or tear-down failures"
echo "$summary"
exit "$rc"
