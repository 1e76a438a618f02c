#!/usr/bin/env bash
# `npm start`: install what is missing, build the workbench, and serve it (with the COOP/COEP
# headers that threaded WASM needs) at http://localhost:4173/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "==> Building Benchtop"
npx vite build --logLevel warn
node scripts/build-cli.mjs
PORT="${PORT:-4173}"
echo ""
echo "Benchtop is running at http://localhost:${PORT}/  (Ctrl+C to stop)"
echo "Open it, then click 'Load demo dataset' or drop a CSV, Arrow or Parquet file on the page."
echo ""
exec npx vite preview --host localhost --port "$PORT" --strictPort
