#!/usr/bin/env bash
# S3 bench: moves one file (1 GiB by default) to and from s3rver on loopback with
# `ferry s3 put` / `ferry s3 get` and with plain curl (SigV4-signed by curl itself, unsigned
# payload), and prints MiB/s for each, ferry's ratio to curl and ferry's peak RSS.
# Goals: ferry >= 0.9x curl; peak RSS < 64 MiB whatever the file size.
#
# ferry does more than curl on the same bytes: it hashes every byte (MD5 and SHA-256 up, MD5
# down), sends a file above multipart_threshold (16 MiB) in 8 MiB parts, and fsyncs what it
# downloads. s3rver assembles a multipart object by copying every part once more when the
# upload completes, so the bench also shows ferry sending the file as one PUT
# (multipart_threshold raised to 5 GiB) to separate that server-side cost from ferry's own.
#
# Usage: test/bench/s3_bench.sh [SIZE_MIB]
# Environment: FERRY_BIN (default bin/ferry), S3_BENCH_DIR (where the local files go; default
# $TMPDIR or /tmp), S3_BENCH_ROUNDS (best of N, default 2). s3rver keeps its objects in
# /dev/shm when it exists, so the stand-in server's disk is not what is measured.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ferry="${FERRY_BIN:-$root/bin/ferry}"
s3rver="$root/test/node_modules/s3rver/bin/s3rver.js"
size_mib="${1:-1024}"
rounds="${S3_BENCH_ROUNDS:-2}"

die() { echo "s3_bench: $*" >&2; exit 1; }
[ -x "$ferry" ] || die "$ferry not found; run 'make bin/ferry' first"
[ -f "$s3rver" ] || die "s3rver not installed; run 'make deps' (npm install in test/)"
command -v node >/dev/null || die "node not found"
command -v curl >/dev/null || die "curl not found"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found"

work="$(mktemp -d "${S3_BENCH_DIR:-${TMPDIR:-/tmp}}/ferry-s3-bench-XXXXXX")"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  srvdir="$(mktemp -d /dev/shm/ferry-s3rver-XXXXXX)"
else
  srvdir="$work/s3rver"
  mkdir -p "$srvdir"
fi
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work" "$srvdir"
}
trap cleanup EXIT

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
# s3rver signs list continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
node --openssl-legacy-provider "$s3rver" -d "$srvdir" -a 127.0.0.1 -p "$port" \
  --configure-bucket bench -s >"$work/s3rver.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port/bench"
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$port/" || die "s3rver did not start (see $work/s3rver.log)"

head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/src.bin"
cat >"$work/ferry.toml" <<TOML
[s3.bench]
endpoint = "http://127.0.0.1:$port"
region = "us-east-1"
bucket = "bench"
path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
TOML
{ cat "$work/ferry.toml"; echo "multipart_threshold = 5368709120"; } >"$work/single.toml"

curl_sig=(--aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER
          -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H "Expect:")

# best LABEL CMD...: runs CMD $rounds times; sets best_secs and best_rss (KiB) of the fastest.
best() {
  local label="$1"
  shift
  best_secs=""
  best_rss=0
  for _ in $(seq "$rounds"); do
    rm -f "$work/out.bin"
    if ! /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt"; then
      cat "$work/err.txt" >&2
      die "$label failed"
    fi
    read -r secs rss <"$work/time.txt"
    if [ -z "$best_secs" ] || awk "BEGIN{exit !($secs < $best_secs)}"; then
      best_secs="$secs"
      best_rss="$rss"
    fi
  done
}

rate() { awk -v m="$size_mib" -v s="$1" 'BEGIN{ if (s <= 0) s = 0.01; printf "%.1f", m / s }'; }
ratio() { awk -v f="$1" -v c="$2" 'BEGIN{ printf "%.2f", c / f }'; }
rss_mib() { awk -v k="$1" 'BEGIN{ printf "%.1f", k / 1024 }'; }

echo "s3 bench: ${size_mib} MiB file, s3rver on 127.0.0.1:$port, best of $rounds, $(nproc) cores"

best "curl PUT" curl -sS -f "${curl_sig[@]}" -T "$work/src.bin" "$url/curl.bin"
curl_put="$best_secs"
best "ferry put" "$ferry" --config "$work/ferry.toml" s3 put bench "$work/src.bin" ferry.bin
ferry_put="$best_secs"
ferry_put_rss="$best_rss"
best "ferry put (one PUT)" "$ferry" --config "$work/single.toml" s3 put bench "$work/src.bin" single.bin
ferry_single="$best_secs"
ferry_single_rss="$best_rss"
best "curl GET" curl -sS -f "${curl_sig[@]}" -o "$work/out.bin" "$url/curl.bin"
curl_get="$best_secs"
best "ferry get" "$ferry" --config "$work/ferry.toml" s3 get bench ferry.bin "$work/out.bin"
ferry_get="$best_secs"
ferry_get_rss="$best_rss"
cmp -s "$work/src.bin" "$work/out.bin" || die "ferry's download differs from the file uploaded"

printf "%-40s %8s MiB/s\n" "upload   curl PUT" "$(rate "$curl_put")"
printf "%-40s %8s MiB/s  %sx curl  peak RSS %s MiB\n" "upload   ferry s3 put (multipart, 8 MiB)" \
  "$(rate "$ferry_put")" "$(ratio "$ferry_put" "$curl_put")" "$(rss_mib "$ferry_put_rss")"
printf "%-40s %8s MiB/s  %sx curl  peak RSS %s MiB\n" "upload   ferry s3 put (one PUT)" \
  "$(rate "$ferry_single")" "$(ratio "$ferry_single" "$curl_put")" "$(rss_mib "$ferry_single_rss")"
printf "%-40s %8s MiB/s\n" "download curl GET" "$(rate "$curl_get")"
printf "%-40s %8s MiB/s  %sx curl  peak RSS %s MiB\n" "download ferry s3 get" \
  "$(rate "$ferry_get")" "$(ratio "$ferry_get" "$curl_get")" "$(rss_mib "$ferry_get_rss")"
echo "goals: >= 0.9x curl, peak RSS < 64 MiB"
