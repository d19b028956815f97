#!/usr/bin/env bash
# A throwaway PostgreSQL server on a loopback port, for the tests and benchmarks.
#   scripts/postgres.sh start DIR [PORT]   initdb (once) and start; prints the URL
#   scripts/postgres.sh stop DIR
#   scripts/postgres.sh createdb URL NAME  a fresh database; prints its URL
#   scripts/postgres.sh psql URL SQL       runs SQL, prints rows unaligned (tests edit rows with it)
# PG_FAST=1 turns off fsync (tests only: a crash loses data; never for benchmarks).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n "$bin" ]] || { echo "PostgreSQL is not installed: run scripts/setup.sh --test" >&2; exit 1; }
# initdb refuses to run as root: run the server as the postgres user then.
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cmd=${1:?start, stop or createdb}
case "$cmd" in
  start)
    dir=${2:?DIR} port=${3:-55432}
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir" && chmod 700 "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
    [[ "${PG_FAST:-0}" == 1 ]] && opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?DIR}
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  createdb)
    url=${2:?URL} name=${3:?NAME}
    "$bin/psql" -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE \"$name\"" >/dev/null
    echo "${url%/*}/$name"
    ;;
  psql)
    url=${2:?URL} sql=${3:?SQL}
    "$bin/psql" -qAt -v ON_ERROR_STOP=1 "$url" -c "$sql"
    ;;
  *) echo "usage: $0 start DIR [PORT] | stop DIR | createdb URL NAME | psql URL SQL" >&2; exit 2 ;;
esac
