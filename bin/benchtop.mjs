#!/usr/bin/env node
// Executable entry of the `benchtop` CLI (package.json "bin"). The CLI and the core are TypeScript:
// tsx's loader is registered first so Node can import src/cli/main.ts directly, with no build step.
// All behaviour lives in src/cli/main.ts; this file only wires it to the process.
import { register } from 'tsx/esm/api';

// `benchtop profile big.csv | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
