// The issue-3 figure: fit + transform of auto-prepare on a seeded 1M rows x 30 mixed columns in
// Node, as a ratio to one plain typed-array pass over the same columns in the same run (target:
// <= 10x). The data is generated in memory (no file, no parsing): numbers with ~1% missing,
// integers, categoricals of ~10 levels, a few dates, and a numeric target with a few gaps, so the
// recipe exercises every auto-prepare step. Used by bench/run.ts (`--only prepare`); never by tests.
import { performance } from 'node:perf_hooks';
import {
  frameToTable,
  makeFrame,
  takeRows,
  type Frame,
  type FrameColumn,
} from '../src/core/data/frame';
import { profileTable } from '../src/core/data/profile';
import { autoRecipe, fitRecipeSync, type Recipe } from '../src/core/recipe';
import { createRng } from '../src/core/rng';

export interface PrepareFigure {
  rows: number;
  columns: number;
  /** Median seconds of the baseline pass and of auto-prepare over `repeat` alternating runs. */
  baselineSeconds: number;
  prepareSeconds: number;
  ratio: number;
  /** Median seconds per step, in recipe order. */
  steps: { kind: string; seconds: number }[];
  outputColumns: number;
  /** Every timed run in order, [baseline, auto-prepare] seconds (the medians hide the spread). */
  runs: [number, number][];
}

const LEVELS = [
  'north',
  'south',
  'east',
  'west',
  'centre',
  'coast',
  'hills',
  'lakes',
  'city',
  'rural',
];
const YEAR_MS = 365.25 * 86_400_000;

/** 14 numbers, 6 integers, 6 categoricals, 3 dates and a numeric target `y`: 30 columns. */
export function generateMixedFrame(rows: number, seed = 42): Frame {
  const rng = createRng(seed);
  const columns: FrameColumn[] = [];
  const gaussian = () => {
    // Box-Muller: one normal draw from two uniforms.
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  for (let c = 0; c < 14; c++) {
    const values = new Float64Array(rows);
    const scale = 10 ** (c % 4);
    for (let i = 0; i < rows; i++) values[i] = rng() < 0.01 ? NaN : gaussian() * scale + c;
    columns.push({ name: `num${c}`, kind: 'number', values });
  }
  for (let c = 0; c < 6; c++) {
    const values = new Float64Array(rows);
    const missing = c % 2 === 0 ? 0.01 : 0;
    for (let i = 0; i < rows; i++)
      values[i] = rng() < missing ? NaN : Math.floor(rng() * (c + 2) * 20);
    columns.push({ name: `int${c}`, kind: 'integer', values });
  }
  for (let c = 0; c < 6; c++) {
    const codes = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      // Skewed levels: the square of a uniform favours the first ones.
      codes[i] = rng() < 0.01 ? -1 : Math.floor(rng() ** 2 * LEVELS.length);
    }
    columns.push({ name: `cat${c}`, kind: 'categorical', codes, categories: [...LEVELS] });
  }
  const start = Date.UTC(2015, 0, 1);
  for (let c = 0; c < 3; c++) {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      values[i] =
        rng() < 0.005 ? NaN : start + Math.floor((rng() * 10 * YEAR_MS) / 86_400_000) * 86_400_000;
    }
    columns.push({ name: `date${c}`, kind: 'date', values });
  }
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) y[i] = rng() < 0.005 ? NaN : gaussian() * 3 + 50;
  columns.push({ name: 'y', kind: 'number', values: y });
  return makeFrame(columns, rows);
}

/**
 * The baseline: one plain pass over every column, reading each value and writing one value into a
 * new typed array of the same size (what any step that produces a column must do at least once).
 */
export function plainPass(frame: Frame): number {
  let check = 0;
  for (const c of frame.columns) {
    if ('values' in c) {
      const v = c.values;
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        out[i] = x !== x ? 0 : x * 2;
      }
      check += out[v.length >> 1];
    } else {
      const codes = c.codes;
      const out = new Int32Array(codes.length);
      for (let i = 0; i < codes.length; i++) out[i] = codes[i] + 1;
      check += out[codes.length >> 1];
    }
  }
  return check;
}

/** The auto-prepare recipe for `y`, from a profile of the first 20,000 rows (same kinds). */
export function benchRecipe(frame: Frame): Recipe {
  const head = takeRows(
    frame,
    Int32Array.from({ length: Math.min(20_000, frame.rows) }, (_, i) => i),
  );
  const table = frameToTable(head);
  const schema = head.columns.map((c) => ({ name: c.name, kind: c.kind }));
  return autoRecipe(schema, profileTable(table, schema), 'y');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchPrepare(rows = 1_000_000, repeat = 3, seed = 42): PrepareFigure {
  const frame = generateMixedFrame(rows, seed);
  const recipe = benchRecipe(frame);
  const base: number[] = [];
  const prep: number[] = [];
  const perStep: number[][] = recipe.steps.map(() => []);
  let outputColumns = 0;
  // One untimed warm-up of each, so both run optimised code.
  plainPass(frame);
  fitRecipeSync(frame, recipe);
  for (let r = 0; r < repeat; r++) {
    let t = performance.now();
    plainPass(frame);
    base.push((performance.now() - t) / 1000);
    t = performance.now();
    let last = t;
    const fit = fitRecipeSync(frame, recipe, {
      afterStep(i) {
        const now = performance.now();
        perStep[i].push((now - last) / 1000);
        last = now;
      },
    });
    prep.push((performance.now() - t) / 1000);
    outputColumns = fit.frame.columns.length;
  }
  const baselineSeconds = median(base);
  const prepareSeconds = median(prep);
  return {
    rows,
    columns: frame.columns.length,
    baselineSeconds,
    prepareSeconds,
    ratio: prepareSeconds / baselineSeconds,
    steps: recipe.steps.map((s, i) => ({ kind: s.kind, seconds: median(perStep[i]) })),
    outputColumns,
    runs: base.map((b, i): [number, number] => [b, prep[i]]),
  };
}
