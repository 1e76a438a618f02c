// SMOTE-NC (imbalanced-learn 0.10's SMOTENC) for numeric + categorical features. Categorical,
// text and boolean columns are categorical; integer and number columns are interpolated as in
// SMOTE. imblearn one-hot encodes each categorical column with the value median_std / 2, where
// median_std is the median of the population standard deviations of the numeric columns within
// the minority class; two rows that differ in one categorical column therefore differ by
// 2·(median_std / 2)² = median_std² / 2 in squared distance, which is the per-mismatch penalty used
// here (without building the one-hot matrix). A new row takes, in each categorical column, the
// most frequent value among its parent's k neighbours; ties are broken at random (seeded RNG).
import { BenchtopError } from '../errors';
import {
  isNumericColumn,
  makeFrame,
  numericColumn,
  stringColumn,
  type FrameColumn,
  type NumericFrameColumn,
} from '../data/frame';
import { defineSampler } from './define';
import type { Neighbours } from './neighbours';
import { minorityClass, readTarget } from './strategy';
import { featureColumns, requireComplete, rowsByClass } from './shared';
import { SMOTE_SETTINGS, smoteCore, type CategoricalPart, type SmoteParams } from './smote';

/** np.median of the per-column population standard deviations of `rows`. */
export function medianStd(columns: readonly NumericFrameColumn[], rows: Int32Array): number {
  const stds = columns.map((c) => {
    const v = c.values;
    let sum = 0;
    for (let i = 0; i < rows.length; i++) sum += v[rows[i]];
    const mean = sum / rows.length;
    let sq = 0;
    for (let i = 0; i < rows.length; i++) {
      const d = v[rows[i]] - mean;
      sq += d * d;
    }
    return Math.sqrt(sq / rows.length);
  });
  stds.sort((a, b) => a - b);
  const h = stds.length >> 1;
  return stds.length % 2 === 1 ? stds[h] : (stds[h - 1] + stds[h]) / 2;
}

/** Codes of a categorical feature: string codes, or a boolean's 0 / 1. */
function codesOf(c: FrameColumn): ArrayLike<number> {
  return isNumericColumn(c) ? c.values : c.codes;
}

function categoricalPart(
  columns: readonly FrameColumn[],
  mismatch: number,
  rng: () => number,
): CategoricalPart {
  const cats = columns.length;
  const sources = columns.map(codesOf);
  return {
    points(rows) {
      const codes = new Int32Array(rows.length * cats);
      for (let f = 0; f < cats; f++) {
        const src = sources[f];
        for (let r = 0, o = f; r < rows.length; r++, o += cats) codes[o] = src[rows[r]];
      }
      return { codes, cats, mismatch };
    },
    vote(classRows: Int32Array, nn: Neighbours, parents: Int32Array, out, offset, total) {
      const k = nn.k;
      const values = new Float64Array(k);
      const counts = new Int32Array(k);
      const tied = new Int32Array(k);
      columns.forEach((c, f) => {
        const src = sources[f];
        let dest = out.get(c.name);
        if (!dest) {
          dest = isNumericColumn(c) ? new Float64Array(total) : new Int32Array(total);
          out.set(c.name, dest);
        }
        for (let s = 0; s < parents.length; s++) {
          const base = parents[s] * k;
          // Count each distinct value among the k neighbours (k is small: k² compares).
          let distinct = 0;
          for (let t = 0; t < k; t++) {
            const v = src[classRows[nn.index[base + t]]];
            let u = 0;
            while (u < distinct && values[u] !== v) u++;
            if (u === distinct) {
              values[distinct] = v;
              counts[distinct++] = 0;
            }
            counts[u]++;
          }
          let best = counts[0];
          for (let u = 1; u < distinct; u++) if (counts[u] > best) best = counts[u];
          let nTied = 0;
          for (let u = 0; u < distinct; u++) if (counts[u] === best) tied[nTied++] = u;
          const pick = nTied === 1 ? tied[0] : tied[Math.floor(rng() * nTied)];
          dest[offset + s] = values[pick];
        }
      });
    },
  };
}

export const smoteNc = defineSampler<SmoteParams>({
  kind: 'smote-nc',
  family: 'over',
  title: 'SMOTE-NC',
  description:
    'SMOTE for mixed numeric and categorical features (imbalanced-learn’s SMOTENC): numbers are interpolated between a row and a same-class neighbour; categorical, text and true/false columns take the most frequent value among the neighbours. A differing category counts as the median standard deviation of the numeric features in the minority class. Needs at least one numeric feature and no missing values.',
  ...SMOTE_SETTINGS,

  fitResample(frame, target, params, ctx) {
    const t = readTarget(frame, target);
    const features = featureColumns(frame, target);
    const numeric: NumericFrameColumn[] = [];
    const categorical: FrameColumn[] = [];
    for (const c of features) {
      if (c.kind === 'date') {
        throw new BenchtopError(
          'invalid-argument',
          `Column '${c.name}' holds dates; SMOTE-NC works on numbers and categories. Turn it into numbers first with the 'Date: parts' step, or leave it out.`,
          { column: c.name },
        );
      }
      if (isNumericColumn(c) && c.kind !== 'boolean') numeric.push(c);
      else categorical.push(c);
    }
    if (numeric.length === 0) {
      throw new BenchtopError(
        'invalid-argument',
        `SMOTE-NC needs at least one numeric feature to interpolate, and every feature here is categorical (${categorical.map((c) => `'${c.name}'`).join(', ')}). Use random over-sampling instead.`,
      );
    }
    requireComplete(features, 'SMOTE-NC');
    const minority = minorityClass(t.counts);
    const m = medianStd(numeric, rowsByClass(t)[minority]);
    const notes = [
      `SMOTE-NC: a differing category adds the median standard deviation of the numeric features in class '${t.labels[minority]}' (${m.toPrecision(6)}) to the distance, as imbalanced-learn does.`,
    ];
    if (categorical.length === 0) notes.push('There are no categorical features: this is SMOTE.');
    return smoteCore(
      frame,
      t,
      numeric,
      params,
      ctx,
      'SMOTE-NC',
      categorical.length > 0 ? categoricalPart(categorical, (m * m) / 2, ctx.rng) : undefined,
      notes,
    );
  },

  examples: [
    {
      name: 'a number, a category and a boolean; k = 3',
      params: { kNeighbors: 3, samplingStrategy: 'auto' },
      target: 'churn',
      frame: () =>
        makeFrame([
          numericColumn('spend', 'number', [12, 40, 35, 8, 60, 22, 18, 55, 30, 9, 41, 27]),
          stringColumn('plan', 'categorical', [
            'basic',
            'pro',
            'pro',
            'basic',
            'pro',
            'basic',
            'family',
            'pro',
            'basic',
            'family',
            'pro',
            'basic',
          ]),
          numericColumn('mobile', 'boolean', [1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1]),
          stringColumn('churn', 'categorical', [
            'stay',
            'leave',
            'leave',
            'stay',
            'leave',
            'stay',
            'stay',
            'leave',
            'stay',
            'stay',
            'stay',
            'stay',
          ]),
        ]),
    },
  ],
});
