#!/usr/bin/env bash
# Lints the console's modules and its browser tests with ESLint (npm eslint, pinned; rules in
# console/eslint.config.mjs: undefined and unused names, and no HTML from strings). Fails on any
# problem.
set -euo pipefail
cd "$(dirname "$0")/.."
eslint=$(bash scripts/npm-tool.sh eslint eslint 9.39.5)
"$eslint" --no-warn-ignored --max-warnings 0 --config console/eslint.config.mjs \
  console/assets tests/console/*.mjs
