#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds twice (optimised with assertions, and
# with AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test in both builds,
# with a throwaway PostgreSQL for the *_pgtest tests.
#
#   scripts/test.sh           everything, as CI runs it
#   scripts/test.sh --quick   the developer's loop: an incremental build of build/ and the unit
#                             tests only (no PostgreSQL, no processes, no sanitizer build)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
if [ "${1:-}" = "--quick" ]; then
  bash scripts/install-deps.sh
  bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUPI_TESTS=ON
  ctest --test-dir build -L '_test$' -LE '^e2e_' --output-on-failure --no-tests=error -j "$(nproc)"
  echo "unit tests passed ($(( $(date +%s) - started )) s)"
  exit 0
fi
if [ $# -gt 0 ]; then
  echo "usage: scripts/test.sh [--quick]" >&2
  exit 2
fi
bash scripts/install-deps.sh --test

echo "== PostgreSQL (throwaway, for the *_pgtest tests)"
pg_dir=$(mktemp -d /tmp/upi-test-pg.XXXXXX)
trap 'bash scripts/throwaway-postgres.sh stop "$pg_dir"' EXIT
UPI_TEST_DATABASE_URL=$(bash scripts/throwaway-postgres.sh start "$pg_dir")
export UPI_TEST_DATABASE_URL

echo "== OpenAPI lint (redocly, recommended rules)"
bash scripts/lint-openapi.sh

echo "== console lint (eslint, pinned: undefined and unused names, no HTML from strings)"
bash scripts/lint-console.sh

echo "== console test dependencies (playwright-core, pinned in tests/console/package-lock.json)"
if [ ! -f tests/console/node_modules/playwright-core/package.json ]; then
  npm ci --prefix tests/console --no-audit --no-fund --loglevel=error > /dev/null
fi

echo "== format"
mapfile -t sources < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find . -name '*.cpp' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"

echo "== build (RelWithDebInfo, assertions on)"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUPI_TESTS=ON
echo "== test"
run_tests() {
  local log
  log=$(mktemp)
  ctest --test-dir "$1" --output-on-failure --no-tests=error -j 2 | tee "$log"
  # With the database running, nothing may skip: a skipped test is a test that did not run.
  if grep -q "Skipped" "$log"; then
    echo "some tests were skipped" >&2
    exit 1
  fi
}
run_tests build

echo "== build (address + undefined sanitizers)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DUPI_SANITIZE=ON -DUPI_TESTS=ON
echo "== test (sanitizers)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_tests build-asan

echo "== fuzz (every parser of outside input, 5 s each; scripts/fuzz.sh for longer runs)"
bash scripts/fuzz.sh --smoke

echo "all tests passed in both builds ($(( $(date +%s) - started )) s)"
