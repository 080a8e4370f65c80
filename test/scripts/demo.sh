#!/usr/bin/env bash
# `make demo`: a full `ferry run` on a fresh state folder against local stand-ins, then what it
# produced. Everything lives in demo/ (recreated each time); servers stop when this exits.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ferry="$root/bin/ferry"
demo="$root/demo"
rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

smtp_port=$(free_port)
/usr/bin/python3 -u -m aiosmtpd -n -l "127.0.0.1:$smtp_port" > smtp.log 2>&1 &
pids+=($!)
wait_port "$smtp_port"

cat > ferry.toml <<TOML
[state]
dir = "state"
[log]
dir = "logs"
[alerts]
smtp_url = "smtp://127.0.0.1:$smtp_port"
to = ["ops@example.org"]
TOML
export FERRY_CONFIG="$demo/ferry.toml"

say "config check"
"$ferry" config check

# The pipelines, each against its own stand-in (fragments beside this script).
source "$root/test/scripts/demo_mindtrails.sh"
source "$root/test/scripts/demo_cake.sh"

say "ferry status"
"$ferry" status

say "a critical event mails the admin once (SMTP stand-in on 127.0.0.1:$smtp_port)"
# The core's test-only alarm task (FERRY_SELFTEST) raises the same critical event twice.
FERRY_SELFTEST=1 FERRY_SELFTEST_CRITICAL=1 "$ferry" -q run || true
FERRY_SELFTEST=1 FERRY_SELFTEST_CRITICAL=1 "$ferry" -q run || true
sleep 0.3
echo "alarm mails received: $(grep -c 'Subject: \[ferry\] selftest alarm' smtp.log) (two events, one mail per hour per problem)"
grep -E '^(Subject|To):' smtp.log | tail -2

say "state, as an operator reads it with sqlite3"
sqlite3 -header -column state/ferry.db \
  "SELECT id, started_at, outcome, units_done, jobs_finished, alerts_sent FROM runs ORDER BY id"
sqlite3 -header -column state/ferry.db "SELECT key, status FROM alerts"

say "logs in demo/logs"
ls -1 logs
tail -n 5 logs/daily.log
echo
echo "Everything above is in $demo (state/, logs/, data/, exports/, s3rver/, smtp.log)."
