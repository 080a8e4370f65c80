#!/usr/bin/env bash
# Tests check_layers.sh on a tiny fake tree: it passes a tree that keeps the rules, and fails,
# naming the file, on each kind of wrong-way include.
set -euo pipefail

script="$(cd "$(dirname "$0")" && pwd)/check_layers.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

put() {  # put FILE INCLUDE...: writes FILE with one #include line per INCLUDE
  local f=$1
  shift
  mkdir -p "$tmp/${f%/*}"
  printf '#include %s\n' "$@" >"$tmp/$f"
}

expect_pass() {  # expect_pass WHAT
  if ! out=$("$script" "$tmp" 2>&1); then
    echo "FAIL: $1: check_layers.sh failed on a good tree:"
    echo "$out"
    failures=$((failures + 1))
  fi
}

expect_fail() {  # expect_fail WHAT FILE: the script must exit 1 and name FILE
  if out=$("$script" "$tmp" 2>&1); then
    echo "FAIL: $1: check_layers.sh passed"
    failures=$((failures + 1))
  elif ! grep -q "^$2:" <<<"$out"; then
    echo "FAIL: $1: the output does not name $2:"
    echo "$out"
    failures=$((failures + 1))
  fi
}

# A tree that keeps the rules, with both include forms, system and third-party headers.
put include/ferry/base/error.h '<string>'
put src/base/error.cpp '"ferry/base/error.h"'
put include/ferry/net/http.h '"ferry/base/error.h"'
put src/net/curl_lib.h '<curl/curl.h>'
put src/net/http.cpp '"ferry/net/http.h"' '"net/curl_lib.h"' '"nlohmann/json.hpp"'
put src/s3/client.cpp '"ferry/net/http.h"' '"s3/internal.h"'
put include/ferry/core/runner.h '"ferry/net/http.h"'
put include/ferry/cake/pipeline.h '"ferry/core/runner.h"'
put src/cake/pipeline.cpp '"ferry/cake/pipeline.h"' '"cake/scanner.h"' '"ferry/base/error.h"'
put include/ferry/mindtrails/task.h '"ferry/core/runner.h"'
put src/toolkit/publish.cpp '"ferry/s3/client.h"' '"ferry/core/runner.h"'
put src/cli/app.cpp '"ferry/cake/pipeline.h"' '"ferry/mindtrails/task.h"' '"cli/app_context.h"'
put src/main.cpp '"ferry/cli/app.h"'
expect_pass "good tree"

put src/net/x.cpp '"ferry/cake/pipeline.h"'
expect_fail "net includes a pipeline" src/net/x.cpp
rm "$tmp/src/net/x.cpp"

put src/cake/x.cpp '"ferry/mindtrails/task.h"'
expect_fail "a pipeline includes another" src/cake/x.cpp
rm "$tmp/src/cake/x.cpp"

put src/mindtrails/x.cpp '"cake/scanner.h"'
expect_fail "a pipeline includes another's private header" src/mindtrails/x.cpp
rm "$tmp/src/mindtrails/x.cpp"

put include/ferry/cake/x.h '"ferry/s3/client.h"'
expect_fail "a pipeline includes s3" include/ferry/cake/x.h
rm "$tmp/include/ferry/cake/x.h"

put src/wenet/x.cpp '"ferry/cli/context.h"'
expect_fail "a new pipeline includes cli" src/wenet/x.cpp
rm -r "$tmp/src/wenet"

put src/s3/x.cpp '"ferry/cli/app.h"'
expect_fail "s3 includes a cli header other than context.h" src/s3/x.cpp
rm "$tmp/src/s3/x.cpp"

put src/base/x.cpp '  #  include "ferry/net/http.h"'
sed -i 's/^#include //' "$tmp/src/base/x.cpp"
expect_fail "an indented include" src/base/x.cpp
rm "$tmp/src/base/x.cpp"

expect_pass "good tree again"

if [ "$failures" -gt 0 ]; then
  echo "check_layers_test: $failures failed"
  exit 1
fi
echo "check_layers_test: passed"
