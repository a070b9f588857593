#!/usr/bin/env bash
# Completed payments per second and latency percentiles through the REST API in durable mode,
# against pgbench's built-in TPC-B-like script on the same throwaway server (fsync on), with
# the same number of clients. Usage: scripts/bench-rest.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}
seconds=${2:-10}
bash scripts/install-deps.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
dir=$(mktemp -d /tmp/upi-bench-pg.XXXXXX)
switch_pid=
cleanup() {
  [ -n "$switch_pid" ] && kill "$switch_pid" 2>/dev/null || true
  bash scripts/throwaway-postgres.sh stop "$dir"
}
trap cleanup EXIT
url=$(UPI_PG_FSYNC=on bash scripts/throwaway-postgres.sh start "$dir")
pgbench=/usr/lib/postgresql/15/bin/pgbench
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== pgbench (TPC-B-like, $clients clients, ${seconds}s)"
as_postgres "$pgbench" -i -q -s 10 "$url" >/dev/null 2>&1
reference=$(as_postgres "$pgbench" -c "$clients" -j 2 -T "$seconds" "$url" 2>/dev/null |
            awk '/^tps = / {print $3; exit}')
echo "pgbench tps $reference"

echo "== upi-switch, durable, through REST ($clients clients, ${seconds}s)"
build/switch/upi-switch --listen 127.0.0.1:0 --database-url "$url" --log-level warn \
  > "$dir/switch.out" 2> "$dir/switch.err" &
switch_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$dir/switch.out" 2>/dev/null && break
  sleep 0.1
done
port=$(grep -o '127.0.0.1:[0-9]*' "$dir/switch.out" | head -1 | cut -d: -f2)
result=$(build/tools/rest-bench --port "$port" --clients "$clients" --seconds "$seconds")
echo "$result" | head -1
ours=$(echo "$result" | awk '/^payments_per_second/ {print $2}')
awk -v a="$ours" -v b="$reference" 'BEGIN { printf "ratio: payments/s / pgbench tps = %.2f\n", a / b }'
