#!/usr/bin/env node
// `npm run build:cli`: the `benchtop` CLI (src/cli/main.ts and everything it imports from src/)
// prebuilt by esbuild into plain JavaScript, so bin/benchtop.mjs can start it without tsx: tsx
// transpiles every TypeScript module at start-up and its loader alone costs ~30 MB and ~0.5 s.
// Output: node_modules/.cache/benchtop/cli/ (ignored by git, lint and format, and not emptied by
// `vite build` as dist/ is): main.mjs, one chunk per lazily imported command (code splitting, so
// `benchtop resample` never loads train's or serve's code), and manifest.json listing every source
// file with its size and mtime. bin/benchtop.mjs runs the build only while every listed file is
// unchanged; otherwise it falls back to tsx, so someone editing src/ never runs stale code.
// npm packages stay external: Node resolves them from node_modules as under tsx (tfjs-backend-wasm
// finds its .wasm files beside its own script). Every `import.meta.url` in the sources is replaced
// by src/cli/main.ts's URL (all of them are in src/cli/, which locates package.json, the fold
// worker and esbuild relative to itself), computed from the output file at run time.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT = join(ROOT, 'node_modules/.cache/benchtop/cli');
const ENTRY = join(ROOT, 'src/cli/main.ts');

/**
 * The prebuilt CLI's main.mjs in `out` as a file URL when its manifest matches the sources (every
 * input's size and mtime, and this Node's version), else null. bin/benchtop.mjs calls it per run.
 */
export function currentCli(out = CLI_OUT) {
  try {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    if (manifest.node !== process.version) return null;
    const inputs = Object.entries(manifest.inputs);
    if (inputs.length === 0) return null;
    for (const [path, [size, mtimeMs]] of inputs) {
      const now = statSync(resolve(ROOT, path), { throwIfNoEntry: false });
      if (!now || now.size !== size || now.mtimeMs !== mtimeMs) return null;
    }
    return pathToFileURL(join(out, 'main.mjs'));
  } catch {
    return null;
  }
}

/** Builds the CLI into `out` (replacing any earlier build there); returns the manifest written. */
export async function buildCli({ quiet = false, out = CLI_OUT } = {}) {
  const esbuild = await import('esbuild');
  const started = performance.now();
  const tmp = `${out}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // Chunks sit beside main.mjs, so one relative path from any output file reaches src/cli/main.ts.
  const srcUrl = relative(out, ENTRY).split('\\').join('/');
  const result = await esbuild.build({
    entryPoints: { main: ENTRY },
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
    define: { 'import.meta.url': '__benchtopSourceUrl' },
    banner: {
      js: `const __benchtopSourceUrl = new URL(${JSON.stringify(srcUrl)}, import.meta.url).href;`,
    },
  });
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    const s = statSync(resolve(ROOT, path));
    inputs[path] = [s.size, s.mtimeMs];
  }
  const manifest = { esbuild: esbuild.version, node: process.version, inputs };
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest));
  // Swapped in whole: a run starting now sees the old build or the new one, never half of one.
  const old = `${out}.${process.pid}.old`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
  if (!quiet) {
    const files = Object.keys(result.metafile.outputs).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(
      `built the benchtop CLI: ${Object.keys(inputs).length} sources -> ${files} files in ${relative(ROOT, out)} (${seconds} s)`,
    );
  }
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
}
