#!/usr/bin/env bash
# Lints specs/openapi.yaml with Redocly's recommended rules (npm @redocly/cli, pinned below and
# installed into build-tools/ on first use). Fails on any error; warnings are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.77.0
prefix=build-tools/redocly-$version
if [ ! -x "$prefix/node_modules/.bin/redocly" ]; then
  command -v npm > /dev/null || bash scripts/install-deps.sh --test
  mkdir -p "$prefix"
  npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "@redocly/cli@$version" \
    > /dev/null
fi
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$prefix/node_modules/.bin/redocly" lint --format=stylish specs/openapi.yaml 2>&1 |
  grep -v -e '║' -e '╔' -e '╚' || true
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$prefix/node_modules/.bin/redocly" lint --format=stylish specs/openapi.yaml > /dev/null 2>&1
