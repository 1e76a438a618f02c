// outliers.isolation-forest: flags rows that are easy to isolate, as scikit-learn's
// IsolationForest(contamination='auto') does (Liu, Ting & Zhou 2008). While fitting it grows
// `trees` random trees, each on `sampleSize` rows drawn without replacement (ctx.rng, so one seed
// gives one forest): every split picks one of the chosen columns that is not constant in the node
// and a threshold uniform between its min and max there (a value <= threshold goes left), down to
// ceil(log2(sampleSize)) levels. A row's path length in a tree is its depth plus c(leaf size), the
// average depth of an unsuccessful search in a binary search tree of that size; its anomaly score
// is 2^(-mean path length / c(sampleSize)), and a score above 0.5 is an outlier (scikit-learn's
// offset_ = -0.5). The output is one boolean column (named by `flagColumn`, last); the forest is
// the state, in flat typed arrays, so rows predicted later are flagged the same way.
// Decisions: flag only (clipping has no meaning across several columns; a drop variant would be
// a separate filter kind reusing this forest, not written yet); missing values are refused while
// fitting (impute first; scikit-learn refuses them too), and a row predicted later with a missing
// value in a chosen column is not flagged (0). Scoring 1M rows with 100 trees takes seconds (one
// unpredictable branch per tree level), so this step is not part of auto-prepare.
import { BenchtopError } from '../errors';
import { makeFrame, numericColumn, stringColumn, type FrameColumn } from '../data/frame';
import { defineStep, NUMERIC, numericInput } from './define';

type Params = { columns: string[]; trees: number; sampleSize: number; flagColumn: string };
type State = {
  /** Per node, in preorder, all trees one after another: the column index, or -1 for a leaf. */
  feature: Int32Array;
  /** Split threshold of an inner node (a value <= it goes to the left child, the next node). */
  threshold: Float64Array;
  /** Index of the right child of an inner node; the training rows in a leaf. */
  other: Int32Array;
  /** Index of each tree's root. */
  roots: Int32Array;
  /** The sample size actually used: min(sampleSize, rows). */
  samples: number;
};

const EULER_GAMMA = 0.5772156649015329;

/** c(n): the average path length of an unsuccessful search in a BST of n nodes (sklearn's). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** `k` distinct row numbers out of `n`, drawn with `rng`. */
function sampleRows(n: number, k: number, rng: () => number): Int32Array {
  const out = new Int32Array(k);
  if (2 * k < n) {
    const seen = new Set<number>();
    for (let i = 0; i < k;) {
      const r = Math.floor(rng() * n);
      if (seen.has(r)) continue;
      seen.add(r);
      out[i++] = r;
    }
    return out;
  }
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
    out[i] = all[i];
  }
  return out;
}

interface Builder {
  feature: number[];
  threshold: number[];
  other: number[];
}

/** Grows one tree over the rows `idx` of the column-major data `cols`, appending its nodes. */
function growTree(
  cols: readonly Float64Array[],
  idx: Int32Array,
  maxDepth: number,
  rng: () => number,
  b: Builder,
): void {
  const d = cols.length;
  const lo = new Float64Array(d);
  const hi = new Float64Array(d);
  const candidates: number[] = [];
  // Explicit stack of (start, end, depth, parent-to-patch) over a permutation of idx.
  const stack: { start: number; end: number; depth: number; patch: number }[] = [
    { start: 0, end: idx.length, depth: 0, patch: -1 },
  ];
  while (stack.length > 0) {
    const { start, end, depth, patch } = stack.pop() as (typeof stack)[number];
    const node = b.feature.length;
    if (patch >= 0) b.other[patch] = node;
    const size = end - start;
    candidates.length = 0;
    if (depth < maxDepth && size > 1) {
      for (let f = 0; f < d; f++) {
        const c = cols[f];
        let mn = Infinity;
        let mx = -Infinity;
        for (let i = start; i < end; i++) {
          const v = c[idx[i]];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        lo[f] = mn;
        hi[f] = mx;
        if (mx > mn) candidates.push(f);
      }
    }
    if (candidates.length === 0) {
      b.feature.push(-1);
      b.threshold.push(0);
      b.other.push(size);
      continue;
    }
    const f = candidates[Math.floor(rng() * candidates.length)];
    let t = lo[f] + rng() * (hi[f] - lo[f]);
    if (!(t < hi[f])) t = lo[f]; // rounding must leave the maximum on the right
    // Partition idx[start..end) into <= t then > t.
    const c = cols[f];
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (c[idx[i]] <= t) i++;
      else {
        const tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        j--;
      }
    }
    b.feature.push(f);
    b.threshold.push(t);
    b.other.push(-1); // patched when the right child is emitted
    // Preorder: left child right after this node, so push the right one first.
    stack.push({ start: i, end, depth: depth + 1, patch: node });
    stack.push({ start, end: i, depth: depth + 1, patch: -1 });
  }
}

/** Anomaly scores (2^(-E[h]/c(samples))) of every row; NaN for a row with a missing value. */
export function isolationScores(
  cols: readonly Float64Array[],
  rows: number,
  state: Pick<State, 'feature' | 'threshold' | 'other' | 'roots' | 'samples'>,
): Float64Array {
  const { feature, threshold, other, roots, samples } = state;
  // What reaching each leaf adds to a path length: its depth plus c(rows in it), once per call
  // instead of a log per row and tree.
  const leafValue = new Float64Array(feature.length);
  const stack: number[] = [];
  for (let t = 0; t < roots.length; t++) {
    stack.push(roots[t], 0);
    while (stack.length > 0) {
      const depth = stack.pop() as number;
      const node = stack.pop() as number;
      if (feature[node] < 0) leafValue[node] = depth + averagePathLength(other[node]);
      else stack.push(node + 1, depth + 1, other[node], depth + 1);
    }
  }
  const total = new Float64Array(rows);
  // Tree by tree over all rows: one small tree stays in cache while the rows stream past.
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t];
    for (let r = 0; r < rows; r++) {
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        node = cols[f][r] <= threshold[node] ? node + 1 : other[node];
        f = feature[node];
      }
      total[r] += leafValue[node];
    }
  }
  const denominator = roots.length * averagePathLength(samples);
  const scores = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let missing = false;
    for (const c of cols) if (c[r] !== c[r]) missing = true;
    // A single training row gives c = 0: scikit-learn scores every row 1 then.
    scores[r] = missing ? NaN : denominator === 0 ? 1 : Math.pow(2, -total[r] / denominator);
  }
  return scores;
}

export const outliersIsolationForest = defineStep<Params, State>({
  kind: 'outliers.isolation-forest',
  role: 'transform',
  title: 'Outliers: isolation forest (flag)',
  description:
    'Flags rows that random trees isolate quickly, looking at the chosen columns together (as scikit-learn’s IsolationForest), in a new boolean column. Seeded: the same seed flags the same rows. Impute missing values first.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: NUMERIC },
    trees: { type: 'number', label: 'Trees', min: 1, max: 1000, integer: true },
    sampleSize: {
      type: 'number',
      label: 'Rows per tree',
      help: 'Each tree is grown on this many rows drawn at random (fewer if the data has fewer).',
      min: 2,
      max: 100_000,
      integer: true,
    },
    flagColumn: { type: 'string', label: 'Name of the flag column', nonEmpty: true },
  },
  defaults: { columns: [], trees: 100, sampleSize: 256, flagColumn: 'outlier' },
  check(params, inputSchema) {
    return inputSchema.some((c) => c.name === params.flagColumn)
      ? [`column '${params.flagColumn}' already exists; choose another name for the flag column.`]
      : [];
  },

  fit(frame, params, ctx) {
    const cols = params.columns.map((name) => {
      const values = numericInput(frame, name).values;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== v || v === Infinity || v === -Infinity) {
          throw new BenchtopError(
            'invalid-argument',
            `column '${name}' has ${v !== v ? 'a missing' : 'an infinite'} value in row ${i + 1}; the isolation forest needs a value in every row. Impute (or clip) the column before this step.`,
            { column: name, row: i + 1 },
          );
        }
      }
      return values;
    });
    const samples = Math.min(params.sampleSize, frame.rows);
    const maxDepth = Math.ceil(Math.log2(Math.max(samples, 2)));
    const b: Builder = { feature: [], threshold: [], other: [] };
    const roots = new Int32Array(params.trees);
    for (let t = 0; t < params.trees; t++) {
      roots[t] = b.feature.length;
      growTree(cols, sampleRows(frame.rows, samples, ctx.rng), maxDepth, ctx.rng, b);
    }
    // The state does not count the flagged rows (the other outlier steps do): that would score
    // every fitting row a second time; the preview counts the flag column instead.
    return {
      feature: Int32Array.from(b.feature),
      threshold: Float64Array.from(b.threshold),
      other: Int32Array.from(b.other),
      roots,
      samples,
    };
  },

  transform(frame, fitted) {
    const { columns, flagColumn } = fitted.spec.params;
    const cols = columns.map((name) => numericInput(frame, name).values);
    const scores = isolationScores(cols, frame.rows, fitted.state);
    const flag = new Float64Array(frame.rows);
    for (let i = 0; i < flag.length; i++) flag[i] = scores[i] > 0.5 ? 1 : 0; // NaN -> 0
    const out: FrameColumn = { name: flagColumn, kind: 'boolean', values: flag };
    return makeFrame([...frame.columns, out], frame.rows);
  },

  examples: [
    {
      name: 'a cloud of points and two far away, few trees',
      params: { columns: ['x', 'y'], trees: 25, sampleSize: 16, flagColumn: 'outlier' },
      frame: () =>
        makeFrame([
          numericColumn(
            'x',
            'number',
            [0.1, -0.3, 0.2, 0.05, -0.1, 0.3, -0.2, 0, 0.15, -0.05, 8, 0.25, -0.15, 0.1, -9, 0.2],
          ),
          numericColumn('y', 'integer', [1, 0, -1, 2, 1, 0, -2, 1, 0, -1, 30, 1, 0, 2, -25, -1]),
          stringColumn(
            'id',
            'text',
            Array.from({ length: 16 }, (_, i) => `r${i}`),
          ),
        ]),
    },
    {
      name: 'more rows per tree than rows, a constant column',
      params: { columns: ['a', 'flat'], trees: 10, sampleSize: 256, flagColumn: 'odd' },
      frame: () =>
        makeFrame([
          numericColumn('a', 'number', [1, 2, 3, 4, 5, 6, 7, 100]),
          numericColumn('flat', 'number', [3, 3, 3, 3, 3, 3, 3, 3]),
        ]),
    },
  ],
});
