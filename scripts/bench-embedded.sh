#!/usr/bin/env bash
# Completed payments per second on the embedded store, through REST, against a static web
# server on the same machine in the same run: nginx with one worker answering a static JSON,
# both loaded by wrk with the same settings (2 threads, CONNECTIONS keep-alive connections).
# Also reports p99 latency and the switch's memory per payment.
# Usage: scripts/bench-embedded.sh [CONNECTIONS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-32}
seconds=${2:-10}
source scripts/bench-setup.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() { wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@"; }

echo "== nginx, 1 worker, static JSON (wrk -t2 -c$connections -d${seconds}s)"
nginx_port=$(free_port)
cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
CONF
nginx -c "$dir/nginx.conf" &
nginx_pid=$!
on_exit+=("kill $nginx_pid 2>/dev/null || true")
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nginx_port/" >/dev/null && break; sleep 0.1; done
reference=$(load "http://127.0.0.1:$nginx_port/" | awk '/^Requests\/sec:/ {print $2}')
echo "nginx requests/s $reference"
kill "$nginx_pid"

source scripts/start-switch.sh
rss_before_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$switch_pid/status")
echo "== upi-switch, embedded, POST /v1/payments with Prefer: wait=5 (same wrk settings)"
result=$(load -s scripts/wrk-payments.lua "http://127.0.0.1:$port" -- "$(date +%s%N)")
echo "$result" | grep -E "Requests/sec|Non-2xx|Socket errors|completed_|p99_ms" || true
ours=$(echo "$result" | awk '/^completed_per_second/ {print $2}')
payments=$(echo "$result" | awk '/^completed_payments/ {print $2}')
rss_after_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$switch_pid/status")
ledger_bytes=$(curl -s -H 'Authorization: Bearer demo-admin-key' "http://127.0.0.1:$port/metrics" |
               awk '/^upi_ledger_memory_bytes / {print $2}')
awk -v rss="$((rss_after_kb - rss_before_kb))" -v n="$payments" -v ledger="$ledger_bytes" 'BEGIN {
  printf "memory: RSS +%.0f MiB for %d payments = %.0f bytes per payment (ledger %.0f bytes)\n",
         rss / 1024, n, rss * 1024 / n, ledger / n }'
awk -v a="$ours" -v b="$reference" 'BEGIN { printf "ratio: completed payments/s / nginx requests/s = %.2f\n", a / b }'
