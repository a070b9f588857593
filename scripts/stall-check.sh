#!/usr/bin/env bash
# Runs the embedded switch at full load (wrk, CONNECTIONS connections sending payments) for
# SECONDS while a probe asks GET /healthz every millisecond on its own connection, and prints
# the longest the probe waited: a stall of the event loop shows there. Target: 10 ms.
# Usage: scripts/stall-check.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
connections=${2:-32}
source scripts/bench-setup.sh
source scripts/start-switch.sh
echo "== ${seconds}s of payments (wrk -t2 -c$connections) with GET /healthz every 1 ms"
wrk -t2 -c"$connections" -d"${seconds}s" -s scripts/wrk-payments.lua "http://127.0.0.1:$port" \
  -- "$(date +%s%N)" > "$dir/wrk.out" &
wrk_pid=$!
probe=$(build/tools/rest-bench --port "$port" --clients 0 --seconds "$seconds" --probe-ms 1 || true)
wait "$wrk_pid"
grep -E "completed_per_second|p99_ms" "$dir/wrk.out"
echo "$probe"
longest=$(echo "$probe" | awk '/^probe_longest_wait_ms/ {print $2}')
awk -v l="$longest" 'BEGIN { if (l <= 10) { print "stall check: PASS (longest wait " l " ms <= 10 ms)"; exit 0 }
                              print "stall check: FAIL (longest wait " l " ms > 10 ms)"; exit 1 }'
