# MindTrails part of `make demo`; sourced by test/scripts/demo.sh, which defines $root, $ferry,
# $demo (the cwd), FERRY_CONFIG, the pids array (stopped on exit) and free_port, wait_port, say.
# Two runs against the stand-in server: rows exported and decrypted, deletes done, the benchmark.

say "MindTrails: a team key and a stand-in server with sample tables"
openssl genrsa -traditional -out mindtrails_key.pem 2048 2>/dev/null
openssl pkey -in mindtrails_key.pem -pubout -out mindtrails_key.pub
mt_port=$(free_port)
/usr/bin/python3 "$root/test/standins/mindtrails_server.py" --port "$mt_port" \
  --data "$root/test/standins/mindtrails_sample.json" --public-key mindtrails_key.pub \
  --user admin@example.edu --password demo-password > mindtrails_server.log 2>&1 &
pids+=($!)
wait_port "$mt_port"
cat >> "$FERRY_CONFIG" <<TOML

[[mindtrails.server]]
name = "demo"
url = "http://127.0.0.1:$mt_port/api/"
username = "admin@example.edu"
password = "demo-password"
private_key = "mindtrails_key.pem"
delete = true
data_dir = "data/mindtrails"
TOML
curl -s "http://127.0.0.1:$mt_port/_control/rows" | /usr/bin/python3 -c '
import json, sys
for name, t in json.load(sys.stdin)["tables"].items():
    print("  %-12s %2d rows  deleteable=%s" % (name, len(t["rows"]), t["deleteable"]))'

say "ferry run: list, fetch above each benchmark, raw backup, decrypt, CSV, commit, then deletes"
"$ferry" run || true
ls -1 data/mindtrails/active_data
echo "-- data/mindtrails/active_data/$(ls data/mindtrails/active_data | grep '^SUDS_')"
cat "data/mindtrails/active_data/$(ls data/mindtrails/active_data | grep '^SUDS_')"
echo "(participantRSA holds the decrypted participant id; the server only has ciphertext)"

say "new rows arrive on the server"
curl -s -X POST "http://127.0.0.1:$mt_port/_control/add" -H 'Content-Type: application/json' \
  --data '{"table":"SUDS","rows":[{"session":"POST","anxiety":20,"participant":104},{"session":"POST","anxiety":35,"participant":105}]}'
echo
curl -s -X POST "http://127.0.0.1:$mt_port/_control/add" -H 'Content-Type: application/json' \
  --data '{"table":"DASS21_AS","rows":[{"session":"ELIGIBLE","breathing":1,"dryness":0,"heart":1,"panic":0,"scared":1,"trembling":0,"worry":2,"over18":"true","participant":106}]}'
echo

say "ferry run again: only the new rows (greaterThan=<benchmark>), appended under the same header"
"$ferry" run || true
cat "data/mindtrails/active_data/$(ls data/mindtrails/active_data | grep '^SUDS_')"

say "raw backups (the whole reply, one file per reply, never appended to)"
ls -1 data/mindtrails/raw_data

say "deletes: deleteable tables were emptied after their rows were committed; DASS21_AS and OA stay"
sqlite3 -header -column state/ferry.db \
  "SELECT name, status, count(*) AS rows FROM mindtrails_deletes GROUP BY name, status ORDER BY name"
curl -s "http://127.0.0.1:$mt_port/_control/rows" | /usr/bin/python3 -c '
import json, sys
for name, t in json.load(sys.stdin)["tables"].items():
    print("  on the server now: %-12s %2d rows" % (name, len(t["rows"])))'

say "the benchmark: highest id written per table (sqlite3 state/ferry.db \"select * from marks\")"
sqlite3 -header -column state/ferry.db "select * from marks"

say "recovery: rebuild SUDS from its raw backups alone"
"$ferry" recover mindtrails --server demo --scale SUDS
cat data/mindtrails/recovered_data/README_SUDS_recovered_*.txt
