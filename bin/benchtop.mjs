#!/usr/bin/env node
// Executable entry of the `benchtop` CLI (package.json "bin"). All behaviour lives in
// src/cli/main.ts; this file only picks how to load it and wires it to the process:
// - the prebuilt CLI (`npm run build:cli`, scripts/build-cli.mjs: plain JavaScript in
//   node_modules/.cache/benchtop/cli/) when its manifest says every source it was built from is
//   unchanged (size and mtime; ~150 stats, a few ms). It starts without a TypeScript loader: tsx
//   costs ~30 MB of memory and ~0.5 s per run.
// - otherwise the TypeScript itself through tsx's loader, so a run after an edit of src/ (or with
//   no build) never executes stale code. BENCHTOP_TSX=1 forces this path.
import { currentCli } from '../scripts/build-cli.mjs';

// `benchtop profile big.csv | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const prebuilt = process.env.BENCHTOP_TSX === '1' ? null : currentCli();
let main;
if (prebuilt) {
  ({ main } = await import(prebuilt.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
