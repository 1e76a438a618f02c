#!/usr/bin/env node
// Executable entry of the `benchtop` CLI (package.json "bin"). All behaviour lives in
// src/cli/main.ts; this file only picks how to load it and wires it to the process:
// - the prebuilt CLI (`npm run build:cli`, scripts/build-cli.mjs: plain JavaScript in
//   node_modules/.cache/benchtop/cli/) when its manifest says every source it was built from is
//   unchanged (size and mtime; ~150 stats, a few ms). It starts without a TypeScript loader: tsx
//   costs ~30 MB of memory and ~0.5 s per run.
// - otherwise the TypeScript itself through tsx's loader, so a run after an edit of src/ (or with
//   no build) never executes stale code. BENCHTOP_TSX=1 forces this path.
import { readFileSync, statSync } from 'node:fs';

// `benchtop profile big.csv | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const root = new URL('../', import.meta.url);
const prebuilt = new URL('node_modules/.cache/benchtop/cli/', root);

/** Whether the prebuilt CLI matches the sources (false on any doubt). */
function prebuiltIsCurrent() {
  if (process.env.BENCHTOP_TSX === '1') return false;
  try {
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', prebuilt), 'utf8'));
    if (manifest.node !== process.version) return false;
    const inputs = Object.entries(manifest.inputs);
    if (inputs.length === 0) return false;
    for (const [path, [size, mtimeMs]] of inputs) {
      const now = statSync(new URL(path, root), { throwIfNoEntry: false });
      if (!now || now.size !== size || now.mtimeMs !== mtimeMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}

let main;
if (prebuiltIsCurrent()) {
  ({ main } = await import(new URL('main.mjs', prebuilt).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
