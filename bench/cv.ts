// Issue 5's figure: 5-fold stratified cross-validation of standard-scaled logistic regression on a
// seeded 100k rows × 30 numeric features + binary target CSV, the whole job from the file
// (read -> auto-prepare -> CV -> metrics), Benchtop's `cv` command code path in this process (tfjs
// wasm) against /usr/bin/python3 running pandas.read_csv + scikit-learn's cross_validate of
// Pipeline(StandardScaler(), LogisticRegression()) with StratifiedKFold(5, shuffle=True,
// random_state=0) on the same file in the same run. Each side is timed inside its own process,
// from reading the file to the scores (interpreter start-up and library imports excluded on both
// sides; tfjs's wasm backend is started once before timing, as python's imports are). CPU time is
// reported too: on the shared machine it moves less than wall time. Benchtop runs three times per
// round: as `benchtop cv` runs by default (auto-prepare; the folds on this thread and worker
// threads, one per core), the same with --jobs 1 (every fold in this process), and with
// --recipe standardScaleRecipe(): exactly scikit-learn's pipeline (auto-prepare also fits a median
// imputer and a missing-target filter per fold, work the scikit-learn side does not do). The fold
// worker's bundle is built before timing (a cache, as tsx's), its start-up is timed.
//
//   npm run bench -- --only cv
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { cv } from '../src/cli/cv';
import { prepareFoldWorker } from '../src/cli/fold-pool';
import { fileSource } from '../src/cli/main';
import { nodeTf } from '../src/core/models/node-tf';
import { emptyRecipe, type Recipe } from '../src/core/recipe';
import { createRng } from '../src/core/rng';

export const CV_FEATURES = 30;

/**
 * `rows` × 30 features + `y`: features with different means and scales (so scaling matters), a
 * linear score over 20 of them plus noise decides y (about 35% positive), so logistic regression
 * learns it to ~90% accuracy. Same rows + seed = same bytes.
 */
export function generateCvCsv(rows: number, seed: number): string {
  const rnd = createRng(seed);
  const gauss = () => {
    const u = 1 - rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const means = Array.from({ length: CV_FEATURES }, () => (rnd() - 0.5) * 200);
  const scales = Array.from({ length: CV_FEATURES }, () => 10 ** (rnd() * 4 - 1));
  const weights = Array.from({ length: CV_FEATURES }, (_, j) => (j < 20 ? gauss() : 0));
  const lines = [[...Array.from({ length: CV_FEATURES }, (_, j) => `x${j + 1}`), 'y'].join(',')];
  const z = new Float64Array(CV_FEATURES);
  for (let r = 0; r < rows; r++) {
    let score = -2;
    for (let j = 0; j < CV_FEATURES; j++) {
      z[j] = gauss();
      score += weights[j] * z[j];
    }
    score += gauss() * 1.5;
    const cells = Array.from(z, (v, j) => (means[j] + v * scales[j]).toPrecision(7));
    lines.push(`${cells.join(',')},${score > 0 ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

const PYTHON = `
import json, sys, time
t0 = time.perf_counter()
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
t1 = time.perf_counter()
c1 = time.process_time()
df = pd.read_csv(sys.argv[1])
X = df.drop(columns=["y"]).to_numpy()
y = df["y"].to_numpy()
r = cross_validate(make_pipeline(StandardScaler(), LogisticRegression()), X, y,
                   cv=StratifiedKFold(5, shuffle=True, random_state=0), scoring="accuracy")
t2 = time.perf_counter()
print(json.dumps({"seconds": t2 - t1, "cpuSeconds": time.process_time() - c1, "importSeconds": t1 - t0,
                  "accuracy": float(r["test_score"].mean()), "fitSeconds": float(r["fit_time"].sum())}))
`;

export function hasSklearn(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, pandas'], { encoding: 'utf8' });
  return r.status === 0;
}

interface SklearnRun {
  seconds: number;
  /** CPU time of the process (all threads: BLAS may use both cores). */
  cpuSeconds: number;
  importSeconds: number;
  accuracy: number;
  fitSeconds: number;
}

function runSklearn(csv: string): SklearnRun {
  const r = spawnSync('/usr/bin/python3', ['-c', PYTHON, csv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as SklearnRun;
}

interface BenchtopRun {
  seconds: number;
  /** CPU time of this process (all threads) during the run. */
  cpuSeconds: number;
  accuracy: number;
  cvSeconds: number;
}

async function runBenchtop(csv: string, jobs?: number, recipe?: string): Promise<BenchtopRun> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const o = await cv(
    {
      data: csv,
      ...(recipe ? { recipe } : { target: 'y' }),
      seed: '0',
      ...(jobs !== undefined ? { jobs: String(jobs) } : {}),
    },
    fileSource,
  );
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  return { seconds, cpuSeconds, accuracy: o.metrics.accuracy.mean, cvSeconds: o.seconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * scikit-learn's pipeline as a Benchtop recipe: standard scaling of the 30 features, then logistic
 * regression (the default model), with cv's default validation (stratified 5-fold, shuffled, seed 0).
 * Auto-prepare (what `benchtop cv` does without --recipe) adds a median imputer and a
 * missing-target filter, fitted per fold, which the scikit-learn side does not have.
 */
export function standardScaleRecipe(): Recipe {
  const features = Array.from({ length: CV_FEATURES }, (_, j) => `x${j + 1}`);
  return {
    ...emptyRecipe(0),
    name: 'Standard-scaled logistic regression (scikit-learn pipeline)',
    target: 'y',
    task: 'classification',
    steps: [{ kind: 'scale.standard', params: { columns: features } }],
    model: { kind: 'logreg', params: {} },
  };
}

export interface CvBench {
  rows: number;
  fileBytes: number;
  /** `benchtop cv` as it runs by default: --jobs = the cores (capped at the 5 folds). */
  jobs: number;
  benchtop: BenchtopRun;
  /** --jobs 1: every fold in this process (the path before worker threads). */
  inProcess: BenchtopRun;
  /** The same pipeline as scikit-learn's (--recipe standardScaleRecipe), default --jobs. */
  samePipeline: BenchtopRun;
  sklearn: SklearnRun | null;
  runs: { benchtop: number[]; inProcess: number[]; samePipeline: number[]; sklearn: number[] };
  ratio: number | null;
  ratioInProcess: number | null;
  ratioSamePipeline: number | null;
  /**
   * Median over runs of benchtop CPU / scikit-learn CPU of the same round: steadier than wall time
   * when other jobs share the two cores (the figure itself is the wall-time ratio).
   */
  cpuRatio: number | null;
  /** Each round's wall-time ratio to scikit-learn's run of the same round (the spread of the figure). */
  roundRatios: { benchtop: number[]; inProcess: number[]; samePipeline: number[] } | null;
  accuracyGap: number | null;
}

export async function benchCv(rows: number, repeat: number, baseline: boolean): Promise<CvBench> {
  mkdirSync('bench/results', { recursive: true });
  const csv = `bench/results/cv-${rows}.csv`;
  if (!existsSync(csv)) writeFileSync(csv, generateCvCsv(rows, 5));
  await nodeTf('wasm'); // start-up, as python's imports: not timed
  await prepareFoldWorker(); // the worker's bundle (a cache); starting the workers is timed
  const recipe = 'bench/results/cv-standard-scale.recipe.json';
  writeFileSync(recipe, JSON.stringify(standardScaleRecipe(), null, 2));
  const ours: BenchtopRun[] = [];
  const single: BenchtopRun[] = [];
  const same: BenchtopRun[] = [];
  const theirs: SklearnRun[] = [];
  // Interleaved, so a slow moment on the shared machine hits every side alike.
  for (let i = 0; i < repeat; i++) {
    if (baseline) theirs.push(runSklearn(csv));
    ours.push(await runBenchtop(csv));
    single.push(await runBenchtop(csv, 1));
    same.push(await runBenchtop(csv, undefined, recipe));
  }
  const at = (runs: BenchtopRun[]) =>
    runs.find((r) => r.seconds === median(runs.map((x) => x.seconds)))!;
  const b = at(ours);
  const one = at(single);
  const sp = at(same);
  const s = baseline
    ? theirs.find((r) => r.seconds === median(theirs.map((x) => x.seconds)))!
    : null;
  return {
    rows,
    fileBytes: statSync(csv).size,
    jobs: Math.min(availableParallelism(), 5),
    benchtop: b,
    inProcess: one,
    samePipeline: sp,
    sklearn: s,
    runs: {
      benchtop: ours.map((r) => r.seconds),
      inProcess: single.map((r) => r.seconds),
      samePipeline: same.map((r) => r.seconds),
      sklearn: theirs.map((r) => r.seconds),
    },
    ratio: s ? b.seconds / s.seconds : null,
    ratioInProcess: s ? one.seconds / s.seconds : null,
    ratioSamePipeline: s ? sp.seconds / s.seconds : null,
    cpuRatio: baseline ? median(ours.map((r, i) => r.cpuSeconds / theirs[i].cpuSeconds)) : null,
    roundRatios: baseline
      ? {
          benchtop: ours.map((r, i) => r.seconds / theirs[i].seconds),
          inProcess: single.map((r, i) => r.seconds / theirs[i].seconds),
          samePipeline: same.map((r, i) => r.seconds / theirs[i].seconds),
        }
      : null,
    accuracyGap: s ? Math.abs(b.accuracy - s.accuracy) : null,
  };
}
