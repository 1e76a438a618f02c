// Random under-sampling (imbalanced-learn's RandomUnderSampler, without replacement): every class
// the strategy shrinks keeps a random subset of its rows, chosen by the seeded RNG. Kept rows stay
// in their input order. No distances are measured, so any column kind and missing values are fine.
import { makeFrame, numericColumn, stringColumn } from '../data/frame';
import { defineSampler } from './define';
import { readTarget, underSamplingTargets } from './strategy';
import { keepRows, rowsByClass } from './shared';
import type { SamplingStrategy } from './types';

export type RandomUnderParams = { samplingStrategy: SamplingStrategy };

export const randomUnder = defineSampler<RandomUnderParams>({
  kind: 'random-under',
  family: 'under',
  title: 'Random under-sampling',
  description:
    'Shrinks the larger classes by keeping a random subset of their rows (imbalanced-learn’s RandomUnderSampler). Rows are removed, never changed; works with any columns.',
  params: {
    samplingStrategy: {
      type: 'strategy',
      label: 'Balance',
      help: "'auto' shrinks every class to the smallest one; a ratio sets minority / majority (two classes); or give rows per class.",
    },
  },
  defaults: { samplingStrategy: 'auto' },

  fitResample(frame, target, params, ctx) {
    const t = readTarget(frame, target);
    const wanted = underSamplingTargets(params.samplingStrategy, t);
    const byClass = rowsByClass(t);
    const kept = new Uint8Array(frame.rows);
    wanted.forEach((w, c) => {
      const rows = Int32Array.from(byClass[c]);
      // A partial Fisher–Yates shuffle: the first w entries are a uniform sample without replacement.
      for (let i = 0; i < w; i++) {
        const j = i + Math.floor(ctx.rng() * (rows.length - i));
        const tmp = rows[i];
        rows[i] = rows[j];
        rows[j] = tmp;
        kept[rows[i]] = 1;
      }
    });
    let m = 0;
    for (let i = 0; i < kept.length; i++) m += kept[i];
    const keep = new Int32Array(m);
    for (let i = 0, o = 0; i < kept.length; i++) if (kept[i]) keep[o++] = i;
    return keepRows(frame, t, keep);
  },

  examples: [
    {
      name: 'three classes, missing feature values',
      params: { samplingStrategy: 'auto' },
      target: 'kind',
      frame: () =>
        makeFrame([
          numericColumn('x', 'number', [1, null, 3, 4, 5, 6, 7, null, 9, 10, 11]),
          stringColumn('kind', 'categorical', [
            'a',
            'b',
            'a',
            'c',
            'a',
            'b',
            'a',
            'a',
            'c',
            'b',
            'a',
          ]),
        ]),
    },
    {
      name: 'counts per class',
      params: { samplingStrategy: { a: 4, b: 3 } },
      target: 'kind',
      frame: () =>
        makeFrame([
          numericColumn('x', 'integer', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
          stringColumn('kind', 'text', ['a', 'b', 'a', 'c', 'a', 'b', 'a', 'a', 'c', 'b', 'a']),
        ]),
    },
  ],
});
