#!/usr/bin/env bash
# Completed payments per second and latency percentiles through the REST API in durable mode,
# against pgbench's built-in TPC-B-like script on the same throwaway server (fsync on).
#   scripts/bench-rest.sh [CLIENTS] [SECONDS]   closed loop, both with CLIENTS clients
#   scripts/bench-rest.sh best [SECONDS]        each side's best over 16, 64 and 256 clients,
#                                               and the open-loop search below
#   scripts/bench-rest.sh open [SECONDS]        open loop: arrival rates from 100/s up by
#                                               half each step; the highest rate whose p99
#                                               (from each payment's due time) stays under
#                                               100 ms with no errors
set -euo pipefail
cd "$(dirname "$0")/.."
mode=closed
if [ "${1:-}" = best ] || [ "${1:-}" = open ]; then mode=$1; shift; set -- 16 "$@"; fi
clients=${1:-16}
seconds=${2:-10}
client_counts=("$clients")
[ "$mode" = best ] && client_counts=(16 64 256)
source scripts/bench-common.sh

pgbench_best=0
for c in "${client_counts[@]}"; do
  tps=$(pgbench_tps "$c")
  echo "pgbench $c clients: tps $tps"
  pgbench_best=$(awk -v a="$tps" -v b="$pgbench_best" 'BEGIN { print (a > b) ? a : b }')
done

switch_args=(--database-url "$url")
source scripts/start-switch.sh
bench() { build/tools/rest-bench --port "$port" --seconds "$seconds" "$@" || true; }
# Not measured: the switch opens its pooled connections and warms its caches.
build/tools/rest-bench --port "$port" --seconds 3 --clients 16 >/dev/null || true
ours_best=0
if [ "$mode" != open ]; then
  for c in "${client_counts[@]}"; do
    result=$(bench --clients "$c")
    echo "upi-switch durable $(echo "$result" | head -1)"
    ours=$(echo "$result" | awk '/^payments_per_second/ {print $2}')
    ours_best=$(awk -v a="$ours" -v b="$ours_best" 'BEGIN { print (a > b) ? a : b }')
  done
fi
if [ "$mode" != closed ]; then
  rate=100
  sustained=0
  while [ "$rate" -le 100000 ]; do
    result=$(bench --clients 256 --rate "$rate")
    echo "upi-switch durable, offered $rate/s: $(echo "$result" | head -1)"
    p99=$(echo "$result" | awk '/^p99_ms/ {print $2}')
    done_rate=$(echo "$result" | awk '/^payments_per_second/ {print $2}')
    errors=$(echo "$result" | head -1 | grep -o '[0-9]* errors' | cut -d' ' -f1)
    awk -v p="$p99" -v e="${errors:-1}" 'BEGIN { exit !(p < 100 && e == 0) }' || break
    sustained=$rate
    ours_best=$(awk -v a="$done_rate" -v b="$ours_best" 'BEGIN { print (a > b) ? a : b }')
    rate=$((rate * 3 / 2))
  done
  echo "open loop: highest offered rate with p99 under 100 ms: $sustained/s"
fi
awk -v a="$ours_best" -v b="$pgbench_best" -v m="$mode" 'BEGIN {
  printf "ratio: payments/s / pgbench tps = %.2f%s\n", a / b, (m == "closed") ? "" : " (best against best)" }'
