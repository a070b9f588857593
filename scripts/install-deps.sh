#!/usr/bin/env bash
# Installs the Debian 12 packages upi-switch needs, if any are missing. Run as root.
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libboost1.81-dev libspdlog-dev libssl-dev
          libgtest-dev libgmock-dev libyaml-cpp-dev clang-format curl libpq-dev postgresql-15)

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
