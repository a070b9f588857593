#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds twice (optimised with assertions, and
# with AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test in both builds.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/install-deps.sh

echo "== format"
mapfile -t sources < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find . -name '*.cpp' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"

echo "== build (RelWithDebInfo, assertions on)"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== test"
ctest --test-dir build --output-on-failure -j 2

echo "== build (address + undefined sanitizers)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DUPI_SANITIZE=ON
echo "== test (sanitizers)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j 2

echo "all tests passed in both builds ($(( $(date +%s) - started )) s)"
