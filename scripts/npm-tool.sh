#!/usr/bin/env bash
# Prints the path of a pinned npm program, installing it into build-tools/PROGRAM-VERSION on first
# use (the lint scripts' tools; nothing global is installed):
#   scripts/npm-tool.sh PROGRAM PACKAGE VERSION     e.g. eslint eslint 9.39.5
set -euo pipefail
cd "$(dirname "$0")/.."
program=$1
package=$2
version=$3
prefix=build-tools/$program-$version
if [ ! -x "$prefix/node_modules/.bin/$program" ]; then
  command -v npm > /dev/null || bash scripts/install-deps.sh --test >&2
  mkdir -p "$prefix"
  npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "$package@$version" > /dev/null
fi
echo "$PWD/$prefix/node_modules/.bin/$program"
