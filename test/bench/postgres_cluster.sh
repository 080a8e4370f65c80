# Sourced by benchmarks that need PostgreSQL: starts a throwaway cluster (default settings, trust
# on loopback, superuser `ferry`) under "$work/pg" and stops it on exit. Expects `work` set and
# the current folder in it; defines `port`, `psql_` (psql as ferry, stopping on the first error)
# and `url DB` (the database's URL). PostgreSQL refuses to run as root: as root it runs as the
# `postgres` account.
pgpid=""
stop_postgres() {
  [ -z "$pgpid" ] || kill -QUIT "$pgpid" 2>/dev/null || true
  [ -z "$pgpid" ] || wait "$pgpid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop_postgres EXIT
chmod 755 "$work"
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() {  # exec, so that `as_pg … &` gives postgres's pid
  if [ "$(id -u)" -eq 0 ]; then exec setpriv --reuid=postgres --regid=postgres --clear-groups -- "$@"
  else exec "$@"; fi
}
mkdir -p "$work/pg"
[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$work/pg"
(as_pg "$bindir/initdb" -D "$work/pg/data" -U ferry -A trust -E UTF8 --locale=C >/dev/null)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$bindir/postgres" -D "$work/pg/data" -p "$port" -k "$work/pg/data" \
  -c listen_addresses=127.0.0.1 >"$work/pg.log" 2>&1 &
pgpid=$!
psql_() { psql -X -q -h 127.0.0.1 -p "$port" -U ferry -v ON_ERROR_STOP=1 "$@"; }
until psql_ -d postgres -Atc 'select 1' >/dev/null 2>&1; do sleep 0.1; done
url() { echo "postgresql://ferry@127.0.0.1:$port/$1"; }
