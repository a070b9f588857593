#!/usr/bin/env bash
# Measures the PostgreSQL event store's append throughput (group commit) against pgbench's
# built-in TPC-B-like script on the same throwaway server (fsync on), with the same number
# of clients. Usage: scripts/bench-ledger.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}
seconds=${2:-10}
source scripts/bench-common.sh
reference=$(pgbench_tps "$clients")
echo "pgbench $clients clients: tps $reference"

echo "== ledger-bench ($clients clients, ${seconds}s)"
result=$(build/tools/ledger-bench --conninfo "$url" --clients "$clients" --seconds "$seconds")
echo "$result" | head -1
ours=$(echo "$result" | awk '/^appends_per_second/ {print $2}')
awk -v a="$ours" -v b="$reference" 'BEGIN { printf "ratio: ledger appends/s / pgbench tps = %.2f\n", a / b }'
