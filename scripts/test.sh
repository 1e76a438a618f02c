#!/usr/bin/env bash
# `npm test`: everything a submission must pass. Installs what is missing (npm packages, Debian's
# Chromium), then: type checks, lint + format, unit tests (Node), a production build, the
# bundle-size budget, and end-to-end tests in Chromium. Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --chromium || { echo "error: could not install dependencies"; exit 1; }

failed_stages=()
stage() {
  local name="$1"; shift
  echo ""
  echo "==> $name"
  if ! "$@"; then failed_stages+=("$name"); return 1; fi
}

rm -f .vitest-results.json .playwright-results.json
stage "Build the CLI (build:cli)" node scripts/build-cli.mjs
stage "Type check (svelte-check + tsc)" npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings --output machine
stage "Lint (eslint)" npx eslint . --max-warnings 0
stage "Format (prettier --check)" npx prettier --check . --log-level warn
stage "Unit tests (vitest)" npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json
if stage "Build (vite build)" npx vite build --logLevel warn; then
  stage "Bundle budget" node scripts/check-bundle.mjs
  stage "End-to-end tests (playwright, Debian chromium)" npx playwright test
fi

node scripts/summarize-tests.mjs
if [ ${#failed_stages[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed_stages[*]}"
  exit 1
fi
echo "All stages passed."
