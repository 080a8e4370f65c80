# CAKE part of `make demo`: a bash fragment sourced by test/scripts/demo.sh, which provides
# $root, $ferry, $FERRY_CONFIG (exported), the pids array (killed on exit), free_port,
# wait_port and say, and runs it inside the demo folder. It starts the CAKE stand-in and s3rver,
# adds [cake] and [s3.reports] to the config, exports one day of clicks and two days of
# conversions, and shows the objects, the jobs and a fresh download link.

cake_port=$(free_port)
/usr/bin/python3 "$root/test/standins/cake_server.py" --port "$cake_port" --seed 1 \
  --api-key demo-cake-key > cake-standin.log 2>&1 &
pids+=($!)
s3_port=$(free_port)
mkdir -p s3rver
node --openssl-legacy-provider "$root/test/node_modules/s3rver/bin/s3rver.js" -d s3rver \
  -a 127.0.0.1 -p "$s3_port" --configure-bucket demo-reports -s > s3rver.log 2>&1 &
pids+=($!)
wait_port "$cake_port"
wait_port "$s3_port"

cat >> "$FERRY_CONFIG" <<TOML
[cake]
admin_url = "http://127.0.0.1:$cake_port"   # the stand-in speaks plain http on loopback
api_key = "demo-cake-key"
s3 = "reports"
s3_prefix = "cake/"
output_dir = "exports/cake"
[s3.reports]
endpoint = "http://127.0.0.1:$s3_port"
bucket = "demo-reports"
path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
TOML

say "CAKE: queue one day of clicks and two days of conversions (CAKE stand-in on 127.0.0.1:$cake_port)"
clicks_job=$("$ferry" queue cake-clicks --from 10-01-2016 --to 10-01-2016)
conversions_job=$("$ferry" queue cake-conversions --from 10-01-2016 --to 11-01-2016)
echo "cake-clicks job $clicks_job, cake-conversions job $conversions_job"

say "CAKE: ferry run until both jobs are done (windows and calls per hour are in the log)"
for _ in 1 2 3 4 5; do
  "$ferry" -q run || true
  left=$(sqlite3 state/ferry.db "SELECT count(*) FROM jobs WHERE kind LIKE 'cake-%'
                                 AND status IN ('queued','running')")
  [ "$left" = 0 ] && break
done
grep -h "cake-clicks): ClickReport_10012016_000" logs/daily.log | head -2 || true

say "CAKE: objects in the S3 stand-in (s3rver on 127.0.0.1:$s3_port)"
"$ferry" s3 ls reports cake/

say "CAKE: ferry jobs (the conversions job shows its 24 h download link)"
"$ferry" jobs

say "CAKE: ferry link $conversions_job (a fresh presigned URL, stored for ferry jobs)"
"$ferry" link "$conversions_job"
