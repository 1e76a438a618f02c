// The issue-4 figure: SMOTE to 1:1 on a seeded CSV of N rows × 30 numeric features with a 5%
// minority, the whole job from CSV in to CSV out, as a ratio to the same job in imbalanced-learn +
// pandas (pd.read_csv -> SMOTE(random_state=0).fit_resample -> to_csv) on the same file in the same
// run (target <= 1.0x). Both run as child processes under /usr/bin/time, so each wall time includes
// its own start-up and each peak RSS belongs to that job alone; ours is `benchtop resample` (the
// CLI code path). Also: the in-process resampling time alone (both sides print it), and peak memory
// as a multiple of the output CSV's size (target <= 2x). Then `benchSearch`: Tomek links and SMOTE
// in-process on each neighbour path (TypeScript, tfjs-wasm) against imbalanced-learn's TomekLinks.
// Used by bench/run.ts (`--only resample`); never by tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRng } from '../src/core/rng';

export const RESAMPLE_FEATURES = 30;
export const RESAMPLE_TARGET = 'y';

/**
 * N rows: 30 features (a class-dependent shift on the first 10, noise on the rest, at several
 * scales) written with 6 significant digits, and `y` = 1 for about 5% of the rows.
 */
export function generateResampleCsv(rows: number, seed = 11): string {
  const rng = createRng(seed);
  const gaussian = () => {
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const header = [
    ...Array.from({ length: RESAMPLE_FEATURES }, (_, f) => `f${f}`),
    RESAMPLE_TARGET,
  ].join(',');
  const lines: string[] = [header];
  const row = new Array<string>(RESAMPLE_FEATURES + 1);
  for (let i = 0; i < rows; i++) {
    const y = rng() < 0.05 ? 1 : 0;
    for (let f = 0; f < RESAMPLE_FEATURES; f++) {
      const scale = 10 ** ((f % 3) - 1);
      const shift = f < 10 && y === 1 ? 1.5 : 0;
      row[f] = ((gaussian() + shift) * scale).toPrecision(6);
    }
    row[RESAMPLE_FEATURES] = String(y);
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const PYTHON = `
import sys, time, json
t0 = time.perf_counter()
import pandas as pd
from imblearn.over_sampling import SMOTE
src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
X, y = df.drop(columns=["${RESAMPLE_TARGET}"]), df["${RESAMPLE_TARGET}"]
t1 = time.perf_counter()
Xr, yr = SMOTE(random_state=0).fit_resample(X, y)
t2 = time.perf_counter()
Xr["${RESAMPLE_TARGET}"] = yr
Xr.to_csv(out, index=False)
t3 = time.perf_counter()
print(json.dumps({"rows": len(Xr), "resampleSeconds": t2 - t1, "readSeconds": t1 - t0, "writeSeconds": t3 - t2}))
`;

export interface JobRun {
  /** Wall seconds of the whole child process (start-up, read, resample, write). */
  seconds: number;
  maxRssBytes: number;
  /** In-process resampling time alone, as the job itself measured it. */
  resampleSeconds: number;
  rowsOut: number;
}

export interface ResampleSize {
  rows: number;
  fileBytes: number;
  outputBytes: number;
  imblearn: JobRun | null;
  benchtop: JobRun;
  /** benchtop / imblearn whole-job time (medians); null without the baseline. */
  ratio: number | null;
  /** benchtop peak RSS / output CSV bytes; and the same above an idle `node` with the CLI loaded. */
  peakRatio: number;
  peakAboveIdleRatio: number;
  runs: { imblearn: number[]; benchtop: number[] };
}

function timed(cmd: string, args: string[]): { stdout: string; seconds: number; maxRss: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from /usr/bin/time:\n${r.stderr}`);
  return { stdout: r.stdout, seconds: Number(m[1]), maxRss: Number(m[2]) * 1024 };
}

export function hasImblearn(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import imblearn, pandas'], { encoding: 'utf8' });
  return r.status === 0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ours(csv: string, out: string): JobRun {
  const r = timed(process.execPath, [
    'bin/benchtop.mjs',
    'resample',
    csv,
    '--target',
    RESAMPLE_TARGET,
    '--method',
    'smote',
    '--seed',
    '0',
    '--out',
    out,
    '--json',
  ]);
  const o = JSON.parse(r.stdout) as { rowsOut: number; seconds: { resample: number } };
  return {
    seconds: r.seconds,
    maxRssBytes: r.maxRss,
    resampleSeconds: o.seconds.resample,
    rowsOut: o.rowsOut,
  };
}

function theirs(csv: string, out: string): JobRun {
  const r = timed('/usr/bin/python3', ['-c', PYTHON, csv, out]);
  const o = JSON.parse(r.stdout) as { rows: number; resampleSeconds: number };
  return {
    seconds: r.seconds,
    maxRssBytes: r.maxRss,
    resampleSeconds: o.resampleSeconds,
    rowsOut: o.rows,
  };
}

/** One size: generate (once) the file, then `repeat` alternating runs of each job. */
export function benchResample(rows: number, repeat: number, withBaseline: boolean): ResampleSize {
  const csv = `bench/results/resample-${rows}.csv`;
  if (!existsSync(csv)) writeFileSync(csv, generateResampleCsv(rows));
  const outOurs = `bench/results/resample-${rows}-benchtop.out.csv`;
  const outTheirs = `bench/results/resample-${rows}-imblearn.out.csv`;
  // The prebuilt CLI (scripts/build-cli.mjs), as `npm test` / `npm start` leave it: without it, or
  // after an edit of src/, bin/benchtop.mjs would run the TypeScript through tsx (~30 MB more).
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'ignore' });
  // An idle `benchtop --version`: what any run of the command pays before reading.
  const idle = timed(process.execPath, ['bin/benchtop.mjs', '--version']).maxRss;
  const a: JobRun[] = [];
  const b: JobRun[] = [];
  for (let r = 0; r < repeat; r++) {
    if (withBaseline) a.push(theirs(csv, outTheirs));
    b.push(ours(csv, outOurs));
  }
  const outputBytes = statSync(outOurs).size;
  const pick = (runs: JobRun[]): JobRun => {
    const m = median(runs.map((x) => x.seconds));
    return {
      ...runs.find((x) => x.seconds === m)!,
      maxRssBytes: Math.max(...runs.map((x) => x.maxRssBytes)),
    };
  };
  const ben = pick(b);
  const imb = withBaseline ? pick(a) : null;
  rmSync(outTheirs, { force: true });
  return {
    rows,
    fileBytes: statSync(csv).size,
    outputBytes,
    imblearn: imb,
    benchtop: ben,
    ratio: imb ? ben.seconds / imb.seconds : null,
    peakRatio: ben.maxRssBytes / outputBytes,
    peakAboveIdleRatio: (ben.maxRssBytes - idle) / outputBytes,
    runs: { imblearn: a.map((x) => x.seconds), benchtop: b.map((x) => x.seconds) },
  };
}

/** The version line of imbalanced-learn the baseline ran, for the record. */
export function imblearnVersion(): string {
  return execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      'import imblearn, sklearn, pandas; print(imblearn.__version__, sklearn.__version__, pandas.__version__)',
    ],
    { encoding: 'utf8' },
  ).trim();
}

// ---- Tomek links at 100k × 30 and the neighbour search on each path --------------------------------
// In-process: the file is read once (ingest, as the CLI does), then Tomek links (1-NN over all
// rows) and SMOTE (5-NN within the minority) run through resample() with the neighbour search
// forced to tfjs-wasm, then to TypeScript (the CLI's default for numeric points: its WebAssembly
// SIMD kernel; see src/cli/resample.ts autoBackend), timing resample() alone. The
// baseline is imbalanced-learn's TomekLinks().fit_resample on the same file, timed alone, in a
// child process. Kept-row counts are printed for all three (they must agree).

const TOMEK_PYTHON = `
import sys, time, json
import pandas as pd
from imblearn.under_sampling import TomekLinks
df = pd.read_csv(sys.argv[1])
X, y = df.drop(columns=["${RESAMPLE_TARGET}"]), df["${RESAMPLE_TARGET}"]
t0 = time.perf_counter()
tl = TomekLinks()
Xr, yr = tl.fit_resample(X, y)
t1 = time.perf_counter()
print(json.dumps({"rows": len(Xr), "seconds": t1 - t0}))
`;

export interface SearchTimes {
  rows: number;
  /** Seconds of resample() alone, and the rows it kept / wrote. */
  tomek: { js: number; tf: number; imblearn: number | null };
  tomekRowsOut: { js: number; tf: number; imblearn: number | null };
  /** tf / js and tf / imblearn, js / imblearn. */
  tomekRatios: { tfOverJs: number; tfOverImblearn: number | null; jsOverImblearn: number | null };
  smote: { js: number; tf: number };
}

/** Tomek links and SMOTE on `rows` × 30, both neighbour paths, plus imblearn's TomekLinks. */
export async function benchSearch(rows: number, withBaseline: boolean): Promise<SearchTimes> {
  const { frameFromTable } = await import('../src/core/data/frame');
  const { bytesSource, ingest } = await import('../src/core/ingest/index');
  const { nodeTf } = await import('../src/core/models/node-tf');
  const { resample } = await import('../src/core/resample');
  const csv = `bench/results/resample-${rows}.csv`;
  if (!existsSync(csv)) writeFileSync(csv, generateResampleCsv(rows));
  const { table, schema } = await ingest(bytesSource(csv, readFileSync(csv)));
  const frame = frameFromTable(table, schema);
  const { tf, backend } = await nodeTf('wasm');
  if (backend.name !== 'wasm') throw new Error(`tfjs-wasm did not start: ${backend.reason}`);
  const time = (kind: string, path: 'js' | 'tf') => {
    const t = performance.now();
    const r = resample(
      frame,
      { kind, params: {} },
      { target: RESAMPLE_TARGET, seed: 0, tf, neighbours: path },
    );
    return { seconds: (performance.now() - t) / 1000, rowsOut: r.frame.rows };
  };
  const tomekTf = time('tomek', 'tf');
  const tomekJs = time('tomek', 'js');
  const smoteTf = time('smote', 'tf');
  const smoteJs = time('smote', 'js');
  let imb: { rows: number; seconds: number } | null = null;
  if (withBaseline) {
    const r = spawnSync('/usr/bin/python3', ['-c', TOMEK_PYTHON, csv], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`imblearn TomekLinks failed:\n${r.stderr}`);
    imb = JSON.parse(r.stdout) as { rows: number; seconds: number };
  }
  return {
    rows,
    tomek: { js: tomekJs.seconds, tf: tomekTf.seconds, imblearn: imb?.seconds ?? null },
    tomekRowsOut: { js: tomekJs.rowsOut, tf: tomekTf.rowsOut, imblearn: imb?.rows ?? null },
    tomekRatios: {
      tfOverJs: tomekTf.seconds / tomekJs.seconds,
      tfOverImblearn: imb ? tomekTf.seconds / imb.seconds : null,
      jsOverImblearn: imb ? tomekJs.seconds / imb.seconds : null,
    },
    smote: { js: smoteJs.seconds, tf: smoteTf.seconds },
  };
}
