#!/usr/bin/env bash
# Completed payments per second and latency percentiles through the REST API in durable mode,
# against pgbench's built-in TPC-B-like script on the same throwaway server (fsync on), with
# the same number of clients. Usage: scripts/bench-rest.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}
seconds=${2:-10}
source scripts/bench-common.sh

echo "== upi-switch, durable, through REST ($clients clients, ${seconds}s)"
build/switch/upi-switch --listen 127.0.0.1:0 --database-url "$url" --log-level warn \
  > "$dir/switch.out" 2> "$dir/switch.err" &
switch_pid=$!
on_exit+=("kill $switch_pid 2>/dev/null || true")
for _ in $(seq 100); do
  grep -q "listening on" "$dir/switch.out" 2>/dev/null && break
  sleep 0.1
done
port=$(grep -o '127.0.0.1:[0-9]*' "$dir/switch.out" | head -1 | cut -d: -f2)
result=$(build/tools/rest-bench --port "$port" --clients "$clients" --seconds "$seconds")
echo "$result" | head -1
ours=$(echo "$result" | awk '/^payments_per_second/ {print $2}')
awk -v a="$ours" -v b="$reference" 'BEGIN { printf "ratio: payments/s / pgbench tps = %.2f\n", a / b }'
