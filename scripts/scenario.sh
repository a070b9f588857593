#!/usr/bin/env bash
# Runs one named failure flow with upi-sim: scripts/scenario.sh NAME [more upi-sim options]
# NAME is a file of specs/scenarios without .json (credit-declined, credit-lost-response,
# debit-timeout, payee-bank-down, payer-bank-killed, reversal-failing-then-succeeding).
# Installs what is missing, builds, starts the banks and the switch, runs, checks, reports.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/scenario.sh NAME (one of: $(ls specs/scenarios | sed 's/\.json$//' | tr '\n' ' '))}
shift
file=specs/scenarios/$name.json
[ -f "$file" ] || { echo "no scenario $name; there are: $(ls specs/scenarios | sed 's/\.json$//' | tr '\n' ' ')" >&2; exit 2; }
bash scripts/install-deps.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUPI_TESTS=OFF
exec build/tools/upi-sim --scenario "$file" "$@"
