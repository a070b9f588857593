#!/usr/bin/env bash
# Installs the Debian 12 packages upi-switch needs, if any are missing. Run as root.
#   scripts/install-deps.sh          to build and run
#   scripts/install-deps.sh --test   also what the tests need (clang-15 and libFuzzer for the
#                                    fuzz targets, Node.js and npm for the OpenAPI lint and the
#                                    console's browser tests, Debian's Chromium for those)
#   scripts/install-deps.sh --bench  also what the benchmark scripts need (wrk, nginx-light
#                                    as the embedded benchmark's reference, linux-perf)
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libboost1.81-dev libspdlog-dev libssl-dev
          libgtest-dev libgmock-dev libyaml-cpp-dev clang-format curl libpq-dev postgresql-15
          openssl libgoogle-perftools-dev)
if [ "${1:-}" = "--test" ]; then
  packages+=(clang-15 libfuzzer-15-dev chromium)
  command -v npm > /dev/null || packages+=(nodejs npm)
fi
if [ "${1:-}" = "--bench" ]; then
  packages+=(wrk nginx-light linux-perf python3)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
