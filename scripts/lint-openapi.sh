#!/usr/bin/env bash
# Lints specs/openapi.yaml with Redocly's recommended rules (npm @redocly/cli, pinned). Fails on
# any error; warnings are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
redocly=$(bash scripts/npm-tool.sh redocly @redocly/cli 2.77.0)
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$redocly" lint --format=stylish specs/openapi.yaml 2>&1 | grep -v -e '║' -e '╔' -e '╚' || true
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$redocly" lint --format=stylish specs/openapi.yaml > /dev/null 2>&1
