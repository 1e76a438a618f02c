#!/usr/bin/env bash
# Installs what a fresh machine is missing: npm packages (from package-lock.json) and, when asked,
# Debian's Chromium for the end-to-end tests. Never downloads a browser build of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

need_npm=0
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ]; then
  need_npm=1
elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
  need_npm=1
fi
if [ "$need_npm" = 1 ]; then
  echo "==> Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--chromium" ]; then
  chromium_bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$chromium_bin" ]; then
    echo "==> Installing Debian's chromium with apt-get (about 30 s)"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
fi
