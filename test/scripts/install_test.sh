#!/usr/bin/env bash
# `make install` into a temporary DESTDIR installs exactly five files: the ferry binary,
# stripped and able to run, the example config, the cron line and the systemd units.
set -euo pipefail
cd "$(dirname "$0")/../.."

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
prefix=/usr/local
failures=0
fail() {
  echo "install_test: FAIL: $*"
  failures=$((failures + 1))
}

if ! out=$(${MAKE:-make} --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" 2>&1); then
  echo "$out"
  echo "install_test: FAIL: make install failed"
  exit 1
fi

expected="$prefix/bin/ferry
$prefix/share/ferry/crontab/ferry.cron
$prefix/share/ferry/crontab/ferry.service
$prefix/share/ferry/crontab/ferry.timer
$prefix/share/ferry/ferry.example.toml"
actual=$(cd "$dest" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort)
[ "$actual" = "$expected" ] || fail "installed files differ; expected:"$'\n'"$expected"$'\n'"got:"$'\n'"$actual"

bin="$dest$prefix/bin/ferry"
if [ -f "$bin" ]; then
  [ -x "$bin" ] || fail "$prefix/bin/ferry is not executable"
  if readelf -S "$bin" | grep -q '\.symtab'; then fail "$prefix/bin/ferry is not stripped"; fi
  # libcurl, libarchive and libcrypto are loaded on first use, never at start-up
  # (src/net/curl_lib.h, src/io/archive_lib.h, src/crypto/openssl_lib.h): linking any costs
  # every process milliseconds.
  linked=$(readelf -d "$bin" | grep NEEDED | grep -oE 'lib(curl|archive|crypto)[^]]*' || true)
  [ -z "$linked" ] || fail "$prefix/bin/ferry links $linked; it must be loaded with dlopen"
  version=$("$bin" --version 2>&1) || fail "$prefix/bin/ferry --version failed: $version"
  [ -n "$version" ] || fail "$prefix/bin/ferry --version printed nothing"
fi
share="$dest$prefix/share/ferry"
for f in ferry.cron ferry.service ferry.timer; do
  cmp -s "crontab/$f" "$share/crontab/$f" || fail "share/ferry/crontab/$f differs from crontab/$f"
done
cmp -s config/ferry.example.toml "$share/ferry.example.toml" ||
  fail "share/ferry/ferry.example.toml differs from config/ferry.example.toml"

if [ "$failures" -gt 0 ]; then
  echo "install_test: $failures failed"
  exit 1
fi
echo "install_test: passed ($prefix/bin/ferry stripped, --version: ${version:-?})"
