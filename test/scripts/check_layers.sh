#!/usr/bin/env bash
# Checks the layering rules of the README's ARCHITECTURE section: every file under src/<folder>/
# and include/ferry/<folder>/ may include headers of its own folder and of the folders listed
# for it below, nothing else. Both include forms count: "ferry/<dep>/x.h" and "<dep>/x.h" (the
# latter only when <dep> is a folder of the project). Prints file:line for each wrong include
# and exits 1 when there is one.
#
# Usage: test/scripts/check_layers.sh [ROOT]   (ROOT defaults to the repository root)
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

# What each folder may include besides itself, one line per folder (the README lists the same).
# An entry is a folder or one header (folder/file.h); "*" is anything. A folder not listed here
# is a pipeline; "cli" is the composition root.
rules='
base:
config:    base
io:        base
crypto:    base
net:       base
sql:       base
state:     base io sql
s3:        base net crypto config io
log:       base io net state
core:      base config state log net io
toolkit:   base config core state net io crypto log s3
ops:       base config state core io log
pipeline:  base config core toolkit state sql net io crypto log
cli:       *
'

# Known wrong-way includes tolerated for now, as "file:include", each printed as a warning.
exceptions=(
  src/net/fake_object_store.cpp:ferry/crypto/hash.h  # the fake's ETags are MD5s, as S3's are
)

folders=""
for d in src/*/ include/ferry/*/; do
  [ -d "$d" ] || continue
  d=${d%/}
  folders+="${d##*/} "
done

files=()
for top in src include/ferry; do
  [ -d "$top" ] || continue
  while IFS= read -r f; do files+=("$f"); done < <(find "$top" -mindepth 2 -type f | sort)
done
[ ${#files[@]} -gt 0 ] || { echo "layers: no files under src/ or include/ferry/ in $root" >&2; exit 1; }

awk -v rules="$rules" -v folders="$folders" -v exceptions="${exceptions[*]:-}" '
  BEGIN {
    n = split(rules, lines, "\n")
    for (i = 1; i <= n; i++) {
      if (lines[i] !~ /:/) continue
      name = lines[i]; sub(/:.*/, "", name); gsub(/[ \t]/, "", name)
      deps = lines[i]; sub(/^[^:]*:/, "", deps)
      listed[name] = 1
      m = split(deps, d, /[ \t]+/)
      for (j = 1; j <= m; j++) if (d[j] != "") allow[name, d[j]] = 1
    }
    m = split(folders, d, " ")
    for (j = 1; j <= m; j++) project[d[j]] = 1
    m = split(exceptions, d, " ")
    for (j = 1; j <= m; j++) excepted[d[j]] = 1
    bad = 0; warned = 0; checked = 0
  }
  FNR == 1 {
    checked++
    path = FILENAME
    folder = path; sub(/^(src|include\/ferry)\//, "", folder); sub(/\/.*/, "", folder)
    kind = (folder in listed) ? folder : "pipeline"
    label = (kind == folder) ? folder : folder " (a " kind ")"
  }
  /^[ \t]*#[ \t]*include[ \t]*["<]/ {
    line = $0
    sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
    angle = substr(line, 1, 1) == "<"
    inc = substr(line, 2); sub(/[">].*/, "", inc)
    rel = inc
    if (rel ~ /^ferry\//) sub(/^ferry\//, "", rel)
    else if (angle) next
    if (rel !~ /\//) next
    dep = rel; sub(/\/.*/, "", dep)
    if (inc !~ /^ferry\// && !(dep in project)) next
    if (dep == folder || allow[kind, "*"] || allow[kind, dep] || allow[kind, rel]) next
    if ((path ":" inc) in excepted) {
      printf "%s:%d: warning: %s includes \"%s\" (a listed exception)\n", path, FNR, label, inc
      warned++
      next
    }
    printf "%s:%d: %s may not include \"%s\"\n", path, FNR, label, inc
    bad++
  }
  END {
    printf "layers: %d files checked, %d wrong includes, %d tolerated\n", checked, bad, warned
    exit bad > 0 ? 1 : 0
  }
' "${files[@]}"
