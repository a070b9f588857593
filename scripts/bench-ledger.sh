#!/usr/bin/env bash
# Measures the PostgreSQL event store's append throughput (group commit) against pgbench's
# built-in TPC-B-like script on the same throwaway server (fsync on), with the same number
# of clients. Usage: scripts/bench-ledger.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}
seconds=${2:-10}
bash scripts/install-deps.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
dir=$(mktemp -d /tmp/upi-bench-pg.XXXXXX)
trap 'bash scripts/throwaway-postgres.sh stop "$dir"' EXIT
url=$(UPI_PG_FSYNC=on bash scripts/throwaway-postgres.sh start "$dir")
pgbench=/usr/lib/postgresql/15/bin/pgbench
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== pgbench (TPC-B-like, $clients clients, ${seconds}s)"
as_postgres "$pgbench" -i -q -s 10 "$url" >/dev/null 2>&1
reference=$(as_postgres "$pgbench" -c "$clients" -j 2 -T "$seconds" "$url" 2>/dev/null |
            awk '/^tps = / {print $3; exit}')
echo "pgbench tps $reference"

echo "== ledger-bench ($clients clients, ${seconds}s)"
result=$(build/tools/ledger-bench --conninfo "$url" --clients "$clients" --seconds "$seconds")
echo "$result" | head -1
ours=$(echo "$result" | awk '/^appends_per_second/ {print $2}')
awk -v a="$ours" -v b="$reference" 'BEGIN { printf "ratio: ledger appends/s / pgbench tps = %.2f\n", a / b }'
