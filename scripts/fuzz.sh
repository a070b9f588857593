#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (every parser of outside input), built with
# Debian's clang-15 and ASan + UBSan in build-fuzz/.
#
#   scripts/fuzz.sh TARGET [SECONDS] [--merge]   one target (default 60 s); --merge adds the
#                                                inputs that found new coverage to its corpus
#   scripts/fuzz.sh all [SECONDS]                every target in turn
#   scripts/fuzz.sh --smoke                      every target for 5 s (the test command)
#
# Targets: payment_request vpa_money world credentials bank_answers signature query json.
# The corpus kept in the repo (tests/fuzz/corpus/TARGET) seeds each run and is only read,
# unless --merge. A crash fails the script; its input is saved in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(payment_request vpa_money world credentials bank_answers signature query json)
what=${1:-}
seconds=${2:-60}
merge=no
for arg in "$@"; do [ "$arg" = "--merge" ] && merge=yes; done
case "$what" in
  --smoke) selected=("${targets[@]}"); seconds=5 ;;
  all) selected=("${targets[@]}") ;;
  "" | -h | --help) sed -n '2,12p' "$0"; exit 2 ;;
  *) selected=("$what") ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number" >&2; exit 2; }

bash scripts/install-deps.sh --test
cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-15 > /dev/null
ninja -C build-fuzz > build-fuzz/build.log 2>&1 || { cat build-fuzz/build.log; exit 1; }
mkdir -p build-fuzz/crashes
for target in "${selected[@]}"; do
  [ -x "build-fuzz/fuzz_$target" ] || { echo "no fuzz target $target" >&2; exit 2; }
  scratch=$(mktemp -d "/tmp/upi-fuzz-$target.XXXXXX")
  log="build-fuzz/$target.log"
  # New inputs go to the scratch corpus (first); the repo's corpus only seeds the run.
  if ! "build-fuzz/fuzz_$target" "$scratch" "tests/fuzz/corpus/$target" \
       -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="build-fuzz/crashes/$target-" > "$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz_$target FAILED: the input is in build-fuzz/crashes/" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz_$target: $runs runs in ${seconds}s, no crash"
  if [ "$merge" = yes ]; then
    "build-fuzz/fuzz_$target" -merge=1 "tests/fuzz/corpus/$target" "$scratch" > /dev/null 2>&1
  fi
  rm -rf "$scratch"
done
