# Sourced by the bench-*.sh scripts: builds, starts a throwaway PostgreSQL with fsync on
# (stopped on exit) and measures pgbench's TPC-B-like script on it as the reference.
# Sets: url (connection string), dir (scratch folder), pgbench_tps (a function).
source scripts/bench-setup.sh
on_exit+=("bash scripts/throwaway-postgres.sh stop $dir")
url=$(UPI_PG_FSYNC=on bash scripts/throwaway-postgres.sh start "$dir")
pgbench=/usr/lib/postgresql/15/bin/pgbench
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

as_postgres "$pgbench" -i -q -s 10 "$url" >/dev/null 2>&1
# pgbench_tps CLIENTS: the reference's transactions per second with that many clients. Then a
# checkpoint, so that the flush of what pgbench wrote does not run during the next measurement.
pgbench_tps() {
  { as_postgres "$pgbench" -c "$1" -j 2 -T "$seconds" "$url" 2>/dev/null || true; } |
    awk '/^tps = / {print $3; exit}'
  as_postgres psql -q "$url" -c CHECKPOINT >/dev/null
}
