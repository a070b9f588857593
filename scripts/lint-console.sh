#!/usr/bin/env bash
# Lints the console's modules and its browser tests with ESLint (npm eslint, pinned below and
# installed into build-tools/ on first use; rules in console/eslint.config.mjs: undefined and
# unused names, and no HTML from strings). Fails on any problem.
set -euo pipefail
cd "$(dirname "$0")/.."
version=9.39.5
prefix=build-tools/eslint-$version
if [ ! -x "$prefix/node_modules/.bin/eslint" ]; then
  command -v npm > /dev/null || bash scripts/install-deps.sh --test
  mkdir -p "$prefix"
  npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "eslint@$version" > /dev/null
fi
"$prefix/node_modules/.bin/eslint" --no-warn-ignored --max-warnings 0 \
  --config console/eslint.config.mjs console/assets tests/console/*.mjs
