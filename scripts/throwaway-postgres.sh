#!/usr/bin/env bash
# A PostgreSQL 15 server for tests, in a folder of its own, reached through a Unix socket in
# that folder (so no port can clash and no system service is needed).
#   scripts/throwaway-postgres.sh start DIR   prints the connection string
#   scripts/throwaway-postgres.sh stop DIR    stops it and removes DIR
# fsync is off (tests do not crash the server) unless UPI_PG_FSYNC=on (benchmarks).
# UPI_PG_OPTIONS adds server options, e.g. to profile statements:
#   UPI_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements" 
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
command=$1
dir=$2

as_postgres() {
  # PostgreSQL refuses to run as root; the Debian package made a postgres user.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_postgres "$bin/initdb" -D "$dir/data" -U upi --auth=trust -E UTF8 --no-sync >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -c listen_addresses='' -c max_connections=300 -c fsync=${UPI_PG_FSYNC:-off} ${UPI_PG_OPTIONS:-}" \
      start >/dev/null
    echo "host=$dir dbname=postgres user=upi"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
