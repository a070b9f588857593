# Sourced by the bench-*.sh scripts: builds, starts a throwaway PostgreSQL with fsync on
# (stopped on exit) and measures pgbench's TPC-B-like script on it as the reference.
# Sets: url (connection string), dir (scratch folder), reference (pgbench tps).
bash scripts/install-deps.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
dir=$(mktemp -d /tmp/upi-bench-pg.XXXXXX)
on_exit=()
trap 'for c in "${on_exit[@]}"; do eval "$c"; done; bash scripts/throwaway-postgres.sh stop "$dir"' EXIT
url=$(UPI_PG_FSYNC=on bash scripts/throwaway-postgres.sh start "$dir")
pgbench=/usr/lib/postgresql/15/bin/pgbench
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== pgbench (TPC-B-like, $clients clients, ${seconds}s)"
as_postgres "$pgbench" -i -q -s 10 "$url" >/dev/null 2>&1
reference=$(as_postgres "$pgbench" -c "$clients" -j 2 -T "$seconds" "$url" 2>/dev/null |
            awk '/^tps = / {print $3; exit}')
echo "pgbench tps $reference"
