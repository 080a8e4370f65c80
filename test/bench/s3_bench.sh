#!/usr/bin/env bash
# S3 bench: ferry next to plain curl, the AWS CLI (`aws s3 cp`) and rclone (`rclone copyto`),
# moving the same files to and from one s3rver on loopback. For each size it prints every
# tool's best time and peak RSS, up and down, and ferry's time as a multiple of each peer's
# (below 1: ferry is faster). Then ferry sending a file as one PUT (16 MiB and 64 MiB, both
# under the default multipart_threshold of 100 MiB) next to curl's PUT of the same file.
#
# Goals (issue 13; printed, never asserted): at every size and direction ferry is faster than
# both aws and rclone with a peak RSS under 64 MiB; a one-PUT upload takes at most 1.2x curl's
# time; a 1 GiB download at most 1.1x curl's.
#
# What each does with the same bytes:
# - curl: one PUT (SigV4 by curl itself, UNSIGNED-PAYLOAD, no Content-MD5) and one GET; no
#   hashing, no fsync. It is the wire's pace, not a peer.
# - ferry: defaults (parts of 8 MiB above 100 MiB, 4 in flight); over plain HTTP a single PUT
#   reads the file once for the SHA-256 it signs before sending, and hashes (MD5, SHA-256) what
#   it sends as it goes; each part signs its SHA-256 and sends its Content-MD5, both read ahead;
#   a download is hashed (MD5) as it arrives, checked against the ETag, fsynced and renamed.
# - aws: its defaults (parts of 8 MiB above 8 MiB, 10 in flight).
# - rclone: its defaults (one PUT up to 200 MiB, else parts of 5 MiB, 4 in flight), with
#   --ignore-times so that it never skips a file it finds unchanged at the destination.
# - ferry's download hashes (MD5) what arrives on its second thread: on a machine of 2 cores that
#   s3rver (about 1.5 cores while it serves a GET) shares, that MD5 (about 1.4 s/GiB) is what
#   keeps it behind curl, which checks nothing.
# Downloads all fetch the object curl uploaded (a single-PUT object, whose ETag is its MD5).
# s3rver assembles a multipart object by copying every part once more when the upload
# completes, which costs every multipart client the same server time.
#
# Usage: test/bench/s3_bench.sh [SIZE_MIB...]   (default: 4 64 1024)
# Environment: FERRY_BIN (default bin/ferry), S3_BENCH_DIR (where the local files go; default
# $TMPDIR or /tmp), S3_BENCH_ROUNDS (best of N, default 2; the tools take turns within a round).
# s3rver keeps its objects in /dev/shm when it exists, so the stand-in server's disk is not what
# is measured. A peer that is not installed is skipped with a line saying so
# (`test/scripts/deps.sh bench` installs both).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ferry="${FERRY_BIN:-$root/bin/ferry}"
s3rver="$root/test/node_modules/s3rver/bin/s3rver.js"
rounds="${S3_BENCH_ROUNDS:-2}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(4 64 1024)

die() { echo "s3_bench: $*" >&2; exit 1; }
[ -x "$ferry" ] || die "$ferry not found; run 'make bin/ferry' first"
[ -f "$s3rver" ] || die "s3rver not installed; run 'make deps' (npm install in test/)"
command -v node >/dev/null || die "node not found"
command -v curl >/dev/null || die "curl not found"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found"
have_aws=1
have_rclone=1
command -v aws >/dev/null || { have_aws=0; echo "s3_bench: aws not found: skipping the AWS CLI (test/scripts/deps.sh bench installs it)"; }
command -v rclone >/dev/null || { have_rclone=0; echo "s3_bench: rclone not found: skipping rclone (test/scripts/deps.sh bench installs it)"; }

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
endpoint="http://127.0.0.1:$port"
url="$endpoint/bench"
for _ in $(seq 100); do
  curl -s -o /dev/null "$endpoint/" && break
  sleep 0.1
done
curl -s -o /dev/null "$endpoint/" || die "s3rver did not start (see $work/s3rver.log)"

cat >"$work/ferry.toml" <<TOML
[s3.bench]
endpoint = "$endpoint"
region = "us-east-1"
bucket = "bench"
path_style = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
TOML
{ cat "$work/ferry.toml"; echo "multipart_threshold = 5368709120"; } >"$work/single.toml"

curl_sig=(--aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER
          -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H "Expect:")
# The peers read their credentials and endpoint from the environment only.
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export RCLONE_CONFIG="$work/rclone.conf"
: >"$RCLONE_CONFIG"
export RCLONE_CONFIG_S3RVER_TYPE=s3 RCLONE_CONFIG_S3RVER_PROVIDER=Other
export RCLONE_CONFIG_S3RVER_ACCESS_KEY_ID=S3RVER RCLONE_CONFIG_S3RVER_SECRET_ACCESS_KEY=S3RVER
export RCLONE_CONFIG_S3RVER_ENDPOINT="$endpoint" RCLONE_CONFIG_S3RVER_REGION=us-east-1
export RCLONE_CONFIG_S3RVER_FORCE_PATH_STYLE=true
# rclone's S3 client fails on an AWS_CA_BUNDLE (of no use on plain HTTP anyway).
rclone=(env -u AWS_CA_BUNDLE rclone)

# Sets `cmd` to the command of TOOL for DIRECTION (up/down) of FILE; `ferry1` is ferry sending
# one PUT.
set_command() {
  local tool="$1" dir="$2" file="$3"
  case "$tool/$dir" in
    curl/up) cmd=(curl -sS -f "${curl_sig[@]}" -T "$file" "$url/curl.bin") ;;
    curl/down) cmd=(curl -sS -f "${curl_sig[@]}" -o "$work/out.bin" "$url/curl.bin") ;;
    ferry/up) cmd=("$ferry" --config "$work/ferry.toml" s3 put bench "$file" ferry.bin) ;;
    ferry1/up) cmd=("$ferry" --config "$work/single.toml" s3 put bench "$file" ferry1.bin) ;;
    ferry/down) cmd=("$ferry" --config "$work/ferry.toml" s3 get bench curl.bin "$work/out.bin") ;;
    aws/up) cmd=(aws --endpoint-url "$endpoint" s3 cp --only-show-errors "$file" s3://bench/aws.bin) ;;
    aws/down) cmd=(aws --endpoint-url "$endpoint" s3 cp --only-show-errors s3://bench/curl.bin
                   "$work/out.bin") ;;
    rclone/up) cmd=("${rclone[@]}" copyto -q -I "$file" s3rver:bench/rclone.bin) ;;
    rclone/down) cmd=("${rclone[@]}" copyto -q -I s3rver:bench/curl.bin "$work/out.bin") ;;
    *) die "no command for $tool/$dir" ;;
  esac
}

# measure TOOL DIR FILE: one run; keeps the best (time, RSS KiB) per TOOL/DIR in secs/rss.
declare -A secs rss
measure() {
  local key="$1/$2"
  rm -f "$work/out.bin"
  set_command "$1" "$2" "$3"
  if ! /usr/bin/time -f "%e %M" -o "$work/time.txt" "${cmd[@]}" >/dev/null 2>"$work/err.txt"; then
    cat "$work/err.txt" >&2
    die "$key failed"
  fi
  if [ "$2" = down ] && ! cmp -s "$3" "$work/out.bin"; then die "$1's download differs"; fi
  local s m
  read -r s m <"$work/time.txt"
  if [ -z "${secs[$key]:-}" ] || awk "BEGIN{exit !($s < ${secs[$key]})}"; then
    secs[$key]="$s"
    rss[$key]="$m"
  fi
}

ratio() { awk -v f="$1" -v p="$2" 'BEGIN{ if (p <= 0) p = 0.01; printf "%.2f", f / p }'; }
mib() { awk -v k="$1" 'BEGIN{ printf "%.1f", k / 1024 }'; }

# row LABEL TOOL DIR: one line of the table.
row() {
  local key="$2/$3"
  local line
  line="$(printf "%-9s %-7s %8.2f s  RSS %6s MiB" "$1" "$2" "${secs[$key]}" "$(mib "${rss[$key]}")")"
  if [ "${2#ferry}" != "$2" ]; then
    line+="  ferry/curl $(ratio "${secs[$key]}" "${secs[curl/$3]}")"
    [ -z "${secs[aws/$3]:-}" ] || line+="  ferry/aws $(ratio "${secs[$key]}" "${secs[aws/$3]}")"
    [ -z "${secs[rclone/$3]:-}" ] || line+="  ferry/rclone $(ratio "${secs[$key]}" "${secs[rclone/$3]}")"
  fi
  echo "$line"
}

tools=(curl ferry)
[ "$have_aws" = 0 ] || tools+=(aws)
[ "$have_rclone" = 0 ] || tools+=(rclone)

echo "s3 bench: s3rver on 127.0.0.1:$port, best of $rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for size in "${sizes[@]}"; do
  head -c "$((size * 1024 * 1024))" /dev/urandom >"$work/src.bin"
  secs=()
  rss=()
  for _ in $(seq "$rounds"); do
    for t in "${tools[@]}"; do measure "$t" up "$work/src.bin"; done
    for t in "${tools[@]}"; do measure "$t" down "$work/src.bin"; done
  done
  echo "== $size MiB"
  for t in "${tools[@]}"; do row "upload" "$t" up; done
  for t in "${tools[@]}"; do row "download" "$t" down; done
  for key in curl ferry aws rclone; do
    curl -sS -f "${curl_sig[@]}" -X DELETE "$url/$key.bin" >/dev/null || true
  done
done

echo "== one PUT (ferry: the SHA-256 read before sending, MD5 and SHA-256 of what is sent)"
for size in 16 64; do
  head -c "$((size * 1024 * 1024))" /dev/urandom >"$work/src.bin"
  secs=()
  rss=()
  for _ in $(seq "$rounds"); do
    measure curl up "$work/src.bin"
    measure ferry1 up "$work/src.bin"
  done
  row "$size MiB" curl up
  row "$size MiB" ferry1 up
  curl -sS -f "${curl_sig[@]}" -X DELETE "$url/ferry1.bin" >/dev/null || true
done
echo "goals: ferry/aws and ferry/rclone < 1 with RSS < 64 MiB at every size and direction;"
echo "       one PUT ferry/curl <= 1.2; 1 GiB download ferry/curl <= 1.1"
