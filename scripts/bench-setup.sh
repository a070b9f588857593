# Sourced by the benchmark scripts: installs what they need, builds the release tree, and
# makes a scratch folder. Sets: dir, on_exit (commands run on exit).
bash scripts/install-deps.sh --bench
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
dir=$(mktemp -d /tmp/upi-bench.XXXXXX)
on_exit=()  # run in reverse order: what started last stops first
trap 'for ((i = ${#on_exit[@]} - 1; i >= 0; i--)); do eval "${on_exit[i]}"; done; rm -rf "$dir"' EXIT
