#!/usr/bin/env bash
# Installs what is missing, builds, and runs upi-switch on the embedded store with the demo
# world. Extra arguments go to upi-switch (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUPI_TESTS=OFF
exec build/switch/upi-switch "$@"
