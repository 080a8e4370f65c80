#!/usr/bin/env bash
# Installs the Debian packages ferry builds and tests with. Idempotent: quick when all are present.
# `deps.sh fuzz` adds clang and libFuzzer, which only `make fuzz` needs; `deps.sh bench` adds the
# S3 peers `make bench` compares ferry with: rclone, and awscli when no `aws` is on PATH; and
# pgloader, which the state migrate bench compares `ferry state migrate` with.
set -euo pipefail
pkgs=(g++ make libsqlite3-dev sqlite3 libcurl4-openssl-dev curl nlohmann-json3-dev
      libssl-dev openssl libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
      libarchive-dev zlib1g-dev libpq-dev postgresql libcctz-dev libpugixml-dev libgtest-dev libgmock-dev python3
      python3-aiosmtpd python3-cryptography tzdata systemd chromium prometheus)
[ "${1:-}" != fuzz ] || pkgs+=(clang libfuzzer-14-dev)
if [ "${1:-}" = bench ]; then
  pkgs+=(rclone pgloader)
  command -v aws >/dev/null 2>&1 || pkgs+=(awscli)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js and npm (for the S3 stand-in): any install will do; Debian's only when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The S3 stand-in used by tests and the demo (npm, pinned in test/package.json).
if [ -f test/package.json ] && [ ! -x test/node_modules/.bin/s3rver ]; then
  echo "deps: installing npm packages in test/"
  (cd test && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
