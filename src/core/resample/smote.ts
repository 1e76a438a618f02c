// SMOTE (Chawla et al. 2002, as imbalanced-learn 0.10's SMOTE): for every class the strategy grows,
// find each of its rows' k nearest rows of the same class; each new row picks a (row, neighbour)
// pair uniformly among the class's rows × k neighbours and lies at x + u·(neighbour − x), u drawn
// from the seeded RNG. Originals come first, unchanged; new rows follow, class by class in label
// order. The same machinery serves SMOTE-NC (smote-nc.ts), which adds categorical features.
import { BenchtopError } from '../errors';
import {
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
  type NumericFrameColumn,
} from '../data/frame';
import { nearestNeighbours, type Neighbours, type PointSet } from './neighbours';
import { overSamplingTargets, readTarget, type ClassTarget } from './strategy';
import {
  appendRows,
  featureColumns,
  openUnit,
  requireComplete,
  requireNumeric,
  rowMatrix,
  rowsByClass,
  type Additions,
} from './shared';
import {
  SYNTHETIC,
  type ResampleContext,
  type ResampleResult,
  type SamplingStrategy,
} from './types';
import { defineSampler, type SamplerDescription } from './define';

export type SmoteParams = { kNeighbors: number; samplingStrategy: SamplingStrategy };

/** How SMOTE-NC extends the search and the new rows with categorical features. */
export interface CategoricalPart {
  /** Per class row: its categorical codes; built for the rows of one class. */
  points(rows: Int32Array): { codes: Int32Array; cats: number; mismatch: number };
  /** Sets the categorical values of new rows by vote among the parent's neighbours. */
  vote(
    classRows: Int32Array,
    nn: Neighbours,
    parents: Int32Array,
    out: Map<string, Int32Array | Float64Array>,
    offset: number,
    /** New rows over all classes: the size of each voted column. */
    total: number,
  ): void;
}

export function checkNeighbours(t: ClassTarget, c: number, k: number, title: string): void {
  const m = t.counts[c];
  if (m > k) return;
  const smaller =
    m > 1
      ? `Lower 'kNeighbors' to ${m - 1} or less, or use random over-sampling (it copies rows instead).`
      : 'Use random over-sampling instead (it copies rows), or gather more rows of this class.';
  throw new BenchtopError(
    'invalid-argument',
    `Class '${t.labels[c]}' has ${m} row${m === 1 ? '' : 's'}, but ${title} with kNeighbors = ${k} needs more than ${k} rows in every class it grows (each row needs ${k} neighbours of its own class). ${smaller}`,
    { column: t.name, class: t.labels[c], rows: m, kNeighbors: k },
  );
}

/**
 * The SMOTE core for numeric features `numeric` (and SMOTE-NC's categorical part when given).
 * Every column of the frame other than the target must be among them.
 */
export function smoteCore(
  frame: Frame,
  t: ClassTarget,
  numeric: readonly NumericFrameColumn[],
  params: SmoteParams,
  ctx: ResampleContext,
  title: string,
  categorical?: CategoricalPart,
  notes: string[] = [],
): ResampleResult {
  const k = params.kNeighbors;
  const wanted = overSamplingTargets(params.samplingStrategy, t);
  const grow = t.labels.map((_, c) => c).filter((c) => wanted[c] > t.counts[c]);
  for (const c of grow) checkNeighbours(t, c, k, title);
  const total = grow.reduce((s, c) => s + wanted[c] - t.counts[c], 0);
  const add: Additions = {
    origin: new Uint8Array(total).fill(SYNTHETIC),
    source: new Int32Array(total),
    neighbour: new Int32Array(total),
    gap: new Float64Array(total),
  };
  if (categorical) add.voted = new Map();
  const byClass = rowsByClass(t);
  let offset = 0;
  grow.forEach((c, g) => {
    const rows = byClass[c];
    const m = rows.length;
    const points: PointSet = {
      rows: m,
      dims: numeric.length,
      values: rowMatrix(numeric, rows),
      ...(categorical ? categorical.points(rows) : {}),
    };
    const phase = `finding ${k} neighbours of each of ${m} '${t.labels[c]}' rows`;
    const nn = nearestNeighbours(points, k, {
      onProgress: (f) => ctx.onProgress?.((g + f) / grow.length, phase),
      isCancelled: ctx.isCancelled,
      tf: ctx.tf,
      path: ctx.neighbours,
    });
    const count = wanted[c] - t.counts[c];
    const parents = new Int32Array(count);
    const span = m * k;
    for (let s = 0; s < count; s++) {
      // One (row, neighbour) pair uniformly among m × k, as imblearn's randint(0, nn_num.size).
      const pick = Math.floor(ctx.rng() * span);
      const row = Math.floor(pick / k);
      parents[s] = row;
      add.source[offset + s] = rows[row];
      add.neighbour[offset + s] = rows[nn.index[pick]];
      add.gap[offset + s] = openUnit(ctx.rng);
    }
    if (categorical && add.voted) categorical.vote(rows, nn, parents, add.voted, offset, total);
    offset += count;
  });
  ctx.onProgress?.(1, 'writing the new rows');
  return appendRows(frame, t, add, notes, ctx.deferAppended === true);
}

/** SMOTE's and SMOTE-NC's settings (the same two, with imbalanced-learn's defaults). */
export const SMOTE_SETTINGS: Pick<SamplerDescription<SmoteParams>, 'params' | 'defaults'> = {
  params: {
    kNeighbors: {
      type: 'number',
      label: 'Neighbours (k)',
      help: 'How many nearest same-class rows each row may be paired with.',
      min: 1,
      max: 1000,
      integer: true,
    },
    samplingStrategy: {
      type: 'strategy',
      label: 'Balance',
      help: "'auto' grows every class to the largest one; a ratio sets minority / majority (two classes); or give rows per class.",
    },
  },
  defaults: { kNeighbors: 5, samplingStrategy: 'auto' },
};

export const smote = defineSampler<SmoteParams>({
  kind: 'smote',
  family: 'over',
  title: 'SMOTE',
  description:
    'Adds synthetic rows to the smaller classes: each lies on the line between a row and one of its k nearest rows of the same class (imbalanced-learn’s SMOTE). Needs numeric features without missing values; distances use the features as the recipe prepared them, so scale them first. For categorical features use SMOTE-NC.',
  ...SMOTE_SETTINGS,

  fitResample(frame, target, params, ctx) {
    const t = readTarget(frame, target);
    const features = featureColumns(frame, target);
    const numeric = requireNumeric(
      features,
      'SMOTE',
      "Use SMOTE-NC, which handles categorical features, or one-hot encode the column first (the 'Encode: one-hot' step).",
    );
    requireComplete(numeric, 'SMOTE');
    return smoteCore(frame, t, numeric, params, ctx, 'SMOTE');
  },

  examples: [
    {
      name: 'two numeric features, 4 of 12 rows in the minority, k = 3',
      params: { kNeighbors: 3, samplingStrategy: 'auto' },
      target: 'label',
      frame: () =>
        makeFrame([
          numericColumn(
            'x',
            'number',
            [0.1, 1.2, 0.4, 2.2, 3.1, 0.9, 1.7, 2.8, 0.3, 1.1, 2.5, 3.3],
          ),
          numericColumn('n', 'integer', [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]),
          stringColumn('label', 'categorical', [
            'no',
            'yes',
            'no',
            'no',
            'yes',
            'no',
            'no',
            'yes',
            'no',
            'no',
            'yes',
            'no',
          ]),
        ]),
    },
    {
      name: 'three integer classes, counts per class, a boolean feature',
      params: { kNeighbors: 2, samplingStrategy: { '0': 6, '2': 5 } },
      target: 'y',
      frame: () =>
        makeFrame([
          numericColumn('a', 'number', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
          numericColumn('flag', 'boolean', [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1]),
          numericColumn('y', 'integer', [0, 1, 1, 2, 1, 0, 2, 1, 0, 1, 2, 1]),
        ]),
    },
  ],
});
