// `npm run bench`: throughput figures as ratios against a baseline measured in the same run
// (these machines are shared and noisy; absolute times are not stable). Prints a table and writes
// bench/results/latest.json. Never used by tests.
//
//   npm run bench                      every figure
//   npm run bench -- --only ingest     one figure (ingest-node, ingest-browser, longtask, bundle,
//                                      prepare, preview-longtask, resample, cv, compress)
//   npm run bench -- --rows 50000      a smaller generated file for a quick look
//   npm run bench -- --only longtask --dist /tmp/old-dist   the app as built elsewhere (compare builds)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateMixedCsv } from './gen-mixed-csv';
import { ingestInBrowser, type LongFrame, type WorkerMemory } from './browser';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rows: { type: 'string', default: '200000' },
    repeat: { type: 'string', default: '3' },
    dist: { type: 'string', default: 'dist' },
  },
});
const only = values.only?.split(',') ?? null;
const want = (name: string) => !only || only.some((o) => name.startsWith(o));
const rows = Number(values.rows);
const repeat = Number(values.repeat);

mkdirSync('bench/results', { recursive: true });
const csvPath = `bench/results/mixed-${rows}.csv`;
if (!existsSync(csvPath)) {
  console.log(`generating ${csvPath} (${rows} rows x 25 columns, seed 42)...`);
  writeFileSync(csvPath, generateMixedCsv(rows, 42));
}
const fileBytes = statSync(csvPath).size;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const figures: Record<string, unknown> = { file: csvPath, fileBytes };

interface ChildResult {
  mode: string;
  rows: number;
  seconds: number;
  maxRssBytes: number;
}
function child(mode: string): ChildResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'bench/ingest-child.ts', mode, csvPath],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out) as ChildResult;
}

if (want('ingest-node')) {
  console.log(`\n# Ingest in Node: ${csvPath} (${mb(fileBytes)}), ${repeat} alternating runs each`);
  const papa: ChildResult[] = [];
  const ours: ChildResult[] = [];
  for (let i = 0; i < repeat; i++) {
    papa.push(child('papaparse'));
    ours.push(child('benchtop'));
  }
  const idle = child('idle');
  const papaS = median(papa.map((r) => r.seconds));
  const oursS = median(ours.map((r) => r.seconds));
  const peak = Math.max(...ours.map((r) => r.maxRssBytes)) - idle.maxRssBytes;
  console.log(
    `papaparse (string rows, baseline): ${papaS.toFixed(2)} s  [${papa.map((r) => r.seconds.toFixed(2)).join(', ')}]`,
  );
  console.log(
    `benchtop ingest (typed Arrow):     ${oursS.toFixed(2)} s  [${ours.map((r) => r.seconds.toFixed(2)).join(', ')}]`,
  );
  console.log(
    `ratio (papaparse time / benchtop time): ${(papaS / oursS).toFixed(2)}x   (target >= 1.0x, stretch 2x)`,
  );
  console.log(
    `peak memory above an idle process: ${mb(peak)} = ${(peak / fileBytes).toFixed(2)}x the file (target <= 3x)`,
  );
  figures.ingestNode = {
    papaparseSeconds: papaS,
    benchtopSeconds: oursS,
    ratio: papaS / oursS,
    peakBytes: peak,
    peakRatio: peak / fileBytes,
    rows: ours[0].rows,
  };
}

if (want('ingest-browser') || want('longtask')) {
  console.log(`\n# In Chromium (workers): ${csvPath}`);
  const b = await ingestInBrowser(csvPath, {
    repeat,
    ingest: want('ingest-browser'),
    longtask: want('longtask'),
    dist: values.dist,
  });
  const share = (m: WorkerMemory) =>
    `${mb(m.peakBytes)} = ${(m.peakBytes / fileBytes).toFixed(2)}x the file ` +
    `(JS heap ${mb(m.peakJsHeapBytes)}, ArrayBuffers ${mb(m.peakArrayBufferBytes)}; ${m.samples} samples)`;
  if (b.worker) {
    console.log(`papaparse in a worker (baseline): ${b.worker.papaparseSeconds.toFixed(2)} s`);
    console.log(`benchtop ingest in a worker:      ${b.worker.benchtopSeconds.toFixed(2)} s`);
    console.log(
      `ratio: ${(b.worker.papaparseSeconds / b.worker.benchtopSeconds).toFixed(2)}x   (target >= 1.0x)`,
    );
    console.log(
      `peak worker memory above the idle worker during ingest: ${share(b.worker.memory)}   (target <= 3x)`,
    );
  }
  if (b.app) {
    console.log(
      `app import (parse + profile + IndexedDB write) of ${mb(fileBytes)}: ${b.app.seconds.toFixed(2)} s listed, ` +
        `${b.app.shownSeconds.toFixed(2)} s with its profile shown (${values.dist}/ as last built: run npx vite build first)`,
    );
    const over = b.app.longTasks.filter((t) => t.duration > 50);
    console.log(
      `main-thread long tasks from choosing the file to the profile shown + 1 s: ${b.app.longTasks.length}, ` +
        `${over.length} over 50 ms (longest ${b.app.longest.toFixed(0)} ms; target: none over 50 ms)`,
    );
    // A long frame can be long while nothing waits (the page idle, the worker busy on the other
    // core): what a person feels is its blocking part, so the worst frame is the most blocking one.
    const frames = b.app.longFrames;
    const worst = [...frames].sort((x, y) => y.blocking - x.blocking || y.duration - x.duration)[0];
    const frameText = (f: LongFrame) =>
      `${f.duration.toFixed(0)} ms frame, ${f.blocking.toFixed(0)} ms blocking: script ${f.scriptMs.toFixed(0)} ms, ` +
      `style/layout/paint ${f.renderMs.toFixed(0)} ms${f.script ? ` (longest script: ${f.script})` : ''}`;
    console.log(
      `long animation frames (over 50 ms, script + rendering): ${frames.length}` +
        (worst ? `; most blocking: ${frameText(worst)}` : ''),
    );
    console.log(
      `app data worker, peak memory above idle while importing the file again (parse, profile, IPC, store): ${share(b.app.memory)}`,
    );
  }
  figures.browser = b;
}

if (want('bundle')) {
  console.log('\n# JavaScript loaded by index.html');
  if (!existsSync('dist/index.html'))
    spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const out = spawnSync(process.execPath, ['scripts/check-bundle.mjs'], { encoding: 'utf8' });
  console.log(out.stdout.trim());
  figures.bundle = out.stdout.trim().split('\n').pop();
}

// ---- prepare (issue 3; the code is bench/prepare.ts) ---------------------------------------------
if (want('prepare')) {
  console.log(
    '\n# Auto-prepare, fit + transform in Node: 1M rows x 30 mixed columns (seeded, in memory)',
  );
  const { benchPrepare } = await import('./prepare');
  const p = benchPrepare(1_000_000, repeat);
  console.log(
    `one plain typed-array pass over the 30 columns (baseline): ${p.baselineSeconds.toFixed(3)} s`,
  );
  console.log(
    `auto-prepare fit + transform (${p.steps.length} steps, ${p.outputColumns} columns out): ${p.prepareSeconds.toFixed(3)} s`,
  );
  console.log(`  ${p.steps.map((s) => `${s.kind} ${s.seconds.toFixed(3)} s`).join(', ')}`);
  console.log(`ratio (auto-prepare / plain pass): ${p.ratio.toFixed(1)}x   (target <= 10x)`);
  figures.prepare = p;
}
// ---- end prepare --------------------------------------------------------------------------------

// ---- preview-longtask (issue 3; the code is prepareInBrowser in bench/browser.ts) ---------------
if (want('preview-longtask')) {
  // Its own file: 1M rows x 12 columns a recipe has work to do on (BENCH_PREPARE_ROWS for a quick
  // look; BENCH_TRACE=1 also writes a CDP trace of the window and names what the long tasks did;
  // BENCH_CPU_SLOWDOWN=4 throttles the page's main thread 4x, as a slower device).
  const { generatePrepareCsv, PREPARE_COLUMNS, PREPARE_TARGET } = await import('./gen-prepare-csv');
  const { prepareInBrowser } = await import('./browser');
  const prepRows = Number(process.env.BENCH_PREPARE_ROWS ?? 1_000_000);
  const prepCsv = `bench/results/prepare-${prepRows}.csv`;
  if (!existsSync(prepCsv)) {
    console.log(`generating ${prepCsv} (${prepRows} rows x ${PREPARE_COLUMNS} columns, seed 7)...`);
    writeFileSync(prepCsv, generatePrepareCsv(prepRows, 7));
  }
  console.log(
    `\n# Prepare tab in Chromium: main thread while previewing steps on ${prepCsv} (${mb(statSync(prepCsv).size)})`,
  );
  const p = await prepareInBrowser(prepCsv, {
    rows: prepRows,
    target: PREPARE_TARGET,
    columns: PREPARE_COLUMNS,
    dist: values.dist,
    trace: process.env.BENCH_TRACE === '1',
    cpuSlowdown: Number(process.env.BENCH_CPU_SLOWDOWN ?? 1),
  });
  console.log(
    `import ${p.importSeconds.toFixed(1)} s (not measured); auto-prepare: ${p.steps.length - 1} steps previewed in ${p.autoPreviewSeconds.toFixed(2)} s; ` +
      `re-preview after editing a setting of the added step: ${p.editPreviewSeconds.toFixed(2)} s`,
  );
  console.log(
    `slow preview showed progress + Cancel: ${p.cancelSeen ? `yes (${p.screenshot})` : 'no (the preview took under a second)'}`,
  );
  const over = p.longTasks.filter((t) => t.duration > 50);
  console.log(
    `main-thread long tasks over ${p.windowSeconds.toFixed(1)} s (open Prepare, target, auto-prepare, every step's preview, ` +
      `add + edit a step): ${p.longTasks.length}, ${over.length} over 50 ms (longest ${p.longest.toFixed(0)} ms; target: none over 50 ms)`,
  );
  const worst = [...p.longFrames].sort(
    (x, y) => y.blocking - x.blocking || y.duration - x.duration,
  )[0];
  console.log(
    `long animation frames: ${p.longFrames.length}` +
      (worst
        ? `; most blocking: ${worst.duration.toFixed(0)} ms frame, ${worst.blocking.toFixed(0)} ms blocking ` +
          `(script ${worst.scriptMs.toFixed(0)} ms, style/layout/paint ${worst.renderMs.toFixed(0)} ms` +
          `${worst.script ? `; ${worst.script}` : ''})`
        : ''),
  );
  if (p.trace) {
    console.log(
      `trace (${p.trace.file}): ${p.trace.taskCount} main-thread tasks; the longest, with their parts:`,
    );
    for (const t of p.trace.longest) {
      console.log(
        `  ${t.duration.toFixed(1)} ms: ${t.parts.map((x) => `${x.name} ${x.ms} ms`).join(', ')}`,
      );
    }
  }
  figures.previewLongtask = p;
}
// ---- end preview-longtask -----------------------------------------------------------------------

// ---- resample (issue 4; the code is bench/resample.ts) --------------------------------------------
if (want('resample')) {
  const { benchResample, hasImblearn, imblearnVersion } = await import('./resample');
  const baseline = hasImblearn();
  console.log(
    '\n# SMOTE to 1:1, whole job CSV in -> CSV out (30 numeric features, 5% minority): benchtop resample vs imbalanced-learn + pandas',
  );
  if (baseline)
    console.log(`baseline: imbalanced-learn, scikit-learn, pandas ${imblearnVersion()}`);
  else console.log('baseline skipped: /usr/bin/python3 has no imbalanced-learn / pandas');
  const sizes = [];
  for (const n of [100_000, 300_000]) {
    const r = benchResample(n, repeat, baseline);
    sizes.push(r);
    console.log(
      `${n.toLocaleString('en-US')} rows (${mb(r.fileBytes)} in, ${mb(r.outputBytes)} out, ${r.benchtop.rowsOut.toLocaleString('en-US')} rows):`,
    );
    if (r.imblearn) {
      console.log(
        `  imbalanced-learn + pandas: ${r.imblearn.seconds.toFixed(2)} s  [${r.runs.imblearn.map((x) => x.toFixed(2)).join(', ')}]; SMOTE alone ${r.imblearn.resampleSeconds.toFixed(3)} s; peak RSS ${mb(r.imblearn.maxRssBytes)}`,
      );
    }
    console.log(
      `  benchtop resample:         ${r.benchtop.seconds.toFixed(2)} s  [${r.runs.benchtop.map((x) => x.toFixed(2)).join(', ')}]; SMOTE alone ${r.benchtop.resampleSeconds.toFixed(3)} s; peak RSS ${mb(r.benchtop.maxRssBytes)}`,
    );
    if (r.ratio !== null)
      console.log(
        `  ratio (benchtop / imbalanced-learn, whole job): ${r.ratio.toFixed(2)}x   (target <= 1.0x)`,
      );
    console.log(
      `  peak memory: ${r.peakRatio.toFixed(2)}x the output CSV (${r.peakAboveIdleRatio.toFixed(2)}x above an idle benchtop process)   (target <= 2x)`,
    );
  }
  figures.resample = sizes;

  const { benchSearch } = await import('./resample');
  console.log(
    '\n# Tomek links on 100k x 30 (1-NN over all rows) and SMOTE, resample() alone in-process: TypeScript vs tfjs-wasm neighbour search, baseline imbalanced-learn TomekLinks().fit_resample',
  );
  const s = await benchSearch(100_000, baseline);
  const sec = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)} s`);
  console.log(
    `  Tomek links: TypeScript ${sec(s.tomek.js)}, tfjs-wasm ${sec(s.tomek.tf)}, imbalanced-learn ${sec(s.tomek.imblearn)}; rows kept ${s.tomekRowsOut.js} / ${s.tomekRowsOut.tf} / ${s.tomekRowsOut.imblearn ?? 'n/a'}`,
  );
  console.log(
    `  ratios: tfjs / TypeScript ${s.tomekRatios.tfOverJs.toFixed(2)}x; tfjs / imbalanced-learn ${s.tomekRatios.tfOverImblearn?.toFixed(2) ?? 'n/a'}x; TypeScript / imbalanced-learn ${s.tomekRatios.jsOverImblearn?.toFixed(2) ?? 'n/a'}x`,
  );
  console.log(`  SMOTE alone: TypeScript ${sec(s.smote.js)}, tfjs-wasm ${sec(s.smote.tf)}`);
  figures.resampleSearch = s;
}
// ---- end resample -------------------------------------------------------------------------------

// ---- cv (issue 5; the code is bench/cv.ts) --------------------------------------------------------
if (want('cv')) {
  const { benchCv, hasSklearn } = await import('./cv');
  const baseline = hasSklearn();
  console.log(
    '\n# 5-fold stratified CV of standard-scaled logistic regression, 100k rows x 30 features, whole job from CSV: benchtop cv (wasm; folds on --jobs = cores threads, and --jobs 1) vs pandas + scikit-learn cross_validate',
  );
  if (!baseline) console.log('baseline skipped: /usr/bin/python3 has no scikit-learn / pandas');
  const c = await benchCv(100_000, repeat, baseline);
  if (c.sklearn) {
    console.log(
      `  scikit-learn: ${c.sklearn.seconds.toFixed(2)} s  [${c.runs.sklearn.map((x) => x.toFixed(2)).join(', ')}]; accuracy ${c.sklearn.accuracy.toFixed(4)}`,
    );
  }
  console.log(
    `  benchtop cv:  ${c.benchtop.seconds.toFixed(2)} s  [${c.runs.benchtop.map((x) => x.toFixed(2)).join(', ')}] (CV alone ${c.benchtop.cvSeconds.toFixed(2)} s; --jobs ${c.jobs}); accuracy ${c.benchtop.accuracy.toFixed(4)}`,
  );
  console.log(
    `  --jobs 1:     ${c.inProcess.seconds.toFixed(2)} s  [${c.runs.inProcess.map((x) => x.toFixed(2)).join(', ')}]${c.ratioInProcess !== null ? ` (${c.ratioInProcess.toFixed(2)}x)` : ''}`,
  );
  console.log(
    `  same pipeline as scikit-learn (--recipe: scale.standard -> logreg, no imputer): ${c.samePipeline.seconds.toFixed(2)} s  [${c.runs.samePipeline.map((x) => x.toFixed(2)).join(', ')}]${c.ratioSamePipeline !== null ? ` (${c.ratioSamePipeline.toFixed(2)}x)` : ''}; accuracy ${c.samePipeline.accuracy.toFixed(4)}`,
  );
  if (c.ratio !== null) {
    console.log(
      `  ratio (benchtop / scikit-learn): auto-prepare ${c.ratio.toFixed(2)}x, same pipeline ${c.ratioSamePipeline!.toFixed(2)}x   (target <= 2x)`,
    );
    console.log(`  CPU-time ratio (median of rounds): ${c.cpuRatio!.toFixed(2)}x`);
    console.log(`  accuracy gap: ${(c.accuracyGap! * 100).toFixed(2)} points   (target <= 1)`);
  }
  figures.cv = c;
}
// ---- end cv -------------------------------------------------------------------------------------

// ---- compress (issue 6; the code is bench/compress.ts) ------------------------------------------
if (want('compress')) {
  const { benchCompress } = await import('./compress');
  console.log(
    '\n# Compression on held-out rows (3 seeded 75/25 splits; logreg and MLP; each variant decoded by stock tfjs): weights size vs float32 and accuracy drop in points (worst split)',
  );
  const c = await benchCompress();
  for (const f of c) {
    console.log(`  ${f.dataset} / ${f.model}:`);
    for (const v of f.variants) {
      console.log(
        `    ${v.variant.padEnd(8)} ${String(v.weightBytes).padStart(7)} B  x${v.ratio.toFixed(2)}  zipped ${String(v.zippedBytes).padStart(7)} B  accuracy ${(v.meanAccuracy * 100).toFixed(2)}%  worst drop ${v.worstDrop.toFixed(2)} points`,
      );
    }
  }
  figures.compress = c;
}
// ---- end compress -------------------------------------------------------------------------------

// ---- serve ------------------------------------------------------------------------------------
if (want('serve')) {
  const { benchServe } = await import('./serve');
  console.log(
    '\n# benchtop serve vs a bare node:http handler (fixed JSON), same run: autocannon, 50 connections, single-row POST /predict, 10 s each',
  );
  const s = await benchServe(10);
  for (const r of [s.bare, s.batched, s.unbatched]) {
    console.log(
      `  ${r.name.padEnd(28)} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  (${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors)`,
    );
  }
  console.log(
    `  ratio to the bare handler: throughput ${s.throughputRatio.toFixed(2)}x, p99 ${s.p99Ratio.toFixed(2)}x (batching off: ${s.unbatchedThroughputRatio.toFixed(2)}x, ${s.unbatchedP99Ratio.toFixed(2)}x)`,
  );
  figures.serve = s;
}
// ---- end serve ----------------------------------------------------------------------------------

writeFileSync('bench/results/latest.json', JSON.stringify(figures, null, 2));
console.log('\nwritten: bench/results/latest.json');
