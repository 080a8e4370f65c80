#!/usr/bin/env bash
# Start-up bench: what a process costs before it does any work. Times `ferry --version` and an
# idle `ferry -q run` (no pipeline configured, state already made) against
# `sqlite3 :memory: 'select 1'`, the cheapest useful process on the same machine, and prints
# each one's median wall time, minor page faults and the ratios.
# Goals: `ferry --version` <= 1.5x, idle `ferry run` <= 2x the sqlite3 figure.
#
# The three commands are run in turn, round after round, so a machine whose load changes
# during the bench slows all three alike. Page faults are counted because on small virtual
# machines they, not instructions, are most of a short process's cost.
#
# Usage: test/bench/startup_bench.sh   Environment: FERRY_BIN (default bin/ferry),
# STARTUP_ROUNDS (default 101).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ferry="${FERRY_BIN:-$root/bin/ferry}"
rounds="${STARTUP_ROUNDS:-101}"
[ -x "$ferry" ] || { echo "startup_bench: $ferry not found; run 'make bin/ferry'" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "startup_bench: sqlite3 not found" >&2; exit 1; }
command -v python3 >/dev/null || { echo "startup_bench: python3 not found" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf '[alerts]\nto = []\n' > ferry.toml
export FERRY_CONFIG="$work/ferry.toml"
"$ferry" -q run

python3 - "$rounds" "$ferry" <<'PY'
import os, subprocess, sys, time
rounds, ferry = int(sys.argv[1]), sys.argv[2]
cmds = {
    "sqlite3 :memory: 'select 1'": ["sqlite3", ":memory:", "select 1"],
    "ferry --version": [ferry, "--version"],
    "ferry -q run (idle)": [ferry, "-q", "run"],
}
wall = {k: [] for k in cmds}
faults = {k: [] for k in cmds}
for _ in range(rounds):
    for name, argv in cmds.items():
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall[name].append((time.perf_counter() - t0) * 1000)
        faults[name].append(usage.ru_minflt)
        if status != 0:
            sys.exit(f"startup_bench: {name} failed with status {status}")
med = lambda xs: sorted(xs)[len(xs) // 2]
base = med(wall["sqlite3 :memory: 'select 1'"])
goals = {"ferry --version": 1.5, "ferry -q run (idle)": 2.0}
print(f"{'command':<30} {'median ms':>10} {'faults':>7} {'ratio':>7} {'goal':>6}")
for name in cmds:
    m = med(wall[name])
    goal = f"<= {goals[name]}x" if name in goals else ""
    print(f"{name:<30} {m:>10.2f} {med(faults[name]):>7} {m / base:>6.2f}x {goal:>6}")
PY
