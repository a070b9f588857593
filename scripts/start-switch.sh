# Sourced by the benchmark scripts: starts build/switch/upi-switch on a free port with the
# extra arguments in switch_args (none: the embedded store), killed on exit.
# Needs: dir, on_exit (array). Sets: switch_pid, port. UPI_SWITCH_BIN names another binary to
# measure (an older build, for a before-and-after on the same machine).
"${UPI_SWITCH_BIN:-build/switch/upi-switch}" --listen 127.0.0.1:0 --log-level warn ${switch_args[@]+"${switch_args[@]}"} \
  > "$dir/switch.out" 2> "$dir/switch.err" &
switch_pid=$!
on_exit+=("kill $switch_pid 2>/dev/null || true")
for _ in $(seq 100); do
  grep -q "listening on" "$dir/switch.out" 2>/dev/null && break
  sleep 0.1
done
port=$(grep -o '127.0.0.1:[0-9]*' "$dir/switch.out" | head -1 | cut -d: -f2)
