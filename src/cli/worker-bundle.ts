// The fold worker (./fold-worker.ts) as one JavaScript file, so a worker thread starts in ~0.1 s of
// CPU instead of ~1 s: under tsx every TypeScript module and tfjs's hundreds of files go through
// the loader one by one, in every worker. esbuild (which tsx itself runs on, so it is installed
// wherever the CLI runs) bundles the worker with its dependencies once; the file is kept in
// node_modules/.cache/benchtop (else the system temp folder) with the list of its inputs, and is
// rebuilt when any input's size or time changes. tfjs's wasm backend finds its .wasm files next to
// its own script (__dirname): the bundle is told where that is. Any failure here returns null and
// the pool falls back to running the TypeScript through tsx (slower to start, same results).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerManifest {
  key: string;
  inputs: Record<string, { size: number; mtimeMs: number }>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function cacheDir(): string {
  for (const dir of [
    join(ROOT, 'node_modules/.cache/benchtop'),
    join(tmpdir(), 'benchtop-cache'),
  ]) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // not writable: try the next
    }
  }
  throw new Error('no writable cache folder');
}

/** Whether a built worker is still current: same build key and every input's size and mtime. */
export function unchanged(m: WorkerManifest, key: string): boolean {
  if (m.key !== key) return false;
  for (const [path, was] of Object.entries(m.inputs)) {
    const now = statSync(resolve(ROOT, path), { throwIfNoEntry: false });
    if (!now || now.size !== was.size || now.mtimeMs !== was.mtimeMs) return false;
  }
  return true;
}

let pending: Promise<URL | null> | undefined;

/** The bundled worker script for `entry` (a .ts file under this repository), or null. */
export function bundledWorker(entry: URL): Promise<URL | null> {
  pending ??= build(fileURLToPath(entry)).catch(() => null);
  return pending;
}

async function build(entry: string): Promise<URL> {
  const esbuild = await import('esbuild');
  const require = createRequire(import.meta.url);
  const wasmScript = require.resolve('@tensorflow/tfjs-backend-wasm');
  const banner = [
    "import { createRequire as __benchtopRequire } from 'node:module';",
    'const require = __benchtopRequire(import.meta.url);',
    `const __filename = ${JSON.stringify(wasmScript)};`,
    `const __dirname = ${JSON.stringify(dirname(wasmScript))};`,
  ].join('\n');
  const key = createHash('sha256')
    .update(JSON.stringify([esbuild.version, entry, banner, process.version]))
    .digest('hex')
    .slice(0, 16);
  const dir = cacheDir();
  const out = join(dir, `fold-worker-${key}.mjs`);
  const manifestPath = `${out}.json`;
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as WorkerManifest;
    if (unchanged(m, key)) return pathToFileURL(out);
  } catch {
    // no manifest yet, or unreadable: build
  }
  const tmp = `${out}.${process.pid}.${Math.floor(performance.now())}.tmp`;
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: tmp,
    metafile: true,
    logLevel: 'silent',
    banner: { js: banner },
  });
  const inputs: WorkerManifest['inputs'] = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    const s = statSync(resolve(ROOT, path));
    inputs[path] = { size: s.size, mtimeMs: s.mtimeMs };
  }
  // Renamed into place, so a concurrent run never reads half a file.
  renameSync(tmp, out);
  writeFileSync(`${manifestPath}.${process.pid}.tmp`, JSON.stringify({ key, inputs }));
  renameSync(`${manifestPath}.${process.pid}.tmp`, manifestPath);
  return pathToFileURL(out);
}
