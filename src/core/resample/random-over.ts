// Random over-sampling (imbalanced-learn's RandomOverSampler, shrinkage off): every class the
// strategy grows gets copies of its own rows, drawn uniformly with replacement by the seeded RNG.
// Originals come first, unchanged; the copies follow, class by class in label order. No distances
// are measured, so any column kind and missing values are fine.
import { makeFrame, numericColumn, stringColumn } from '../data/frame';
import { defineSampler } from './define';
import { overSamplingTargets, readTarget } from './strategy';
import { appendRows, rowsByClass, type Additions } from './shared';
import { REPEATED, type SamplingStrategy } from './types';

export type RandomOverParams = { samplingStrategy: SamplingStrategy };

export const randomOver = defineSampler<RandomOverParams>({
  kind: 'random-over',
  family: 'over',
  title: 'Random over-sampling',
  description:
    'Grows the smaller classes with copies of their own rows, drawn at random (imbalanced-learn’s RandomOverSampler). Works with any columns, missing values included.',
  params: {
    samplingStrategy: {
      type: 'strategy',
      label: 'Balance',
      help: "'auto' grows every class to the largest one; a ratio sets minority / majority (two classes); or give rows per class.",
    },
  },
  defaults: { samplingStrategy: 'auto' },

  fitResample(frame, target, params, ctx) {
    const t = readTarget(frame, target);
    const wanted = overSamplingTargets(params.samplingStrategy, t);
    const byClass = rowsByClass(t);
    const total = wanted.reduce((s, w, c) => s + w - t.counts[c], 0);
    const add: Additions = {
      origin: new Uint8Array(total).fill(REPEATED),
      source: new Int32Array(total),
      neighbour: new Int32Array(total).fill(-1),
      gap: new Float64Array(total).fill(NaN),
    };
    let o = 0;
    wanted.forEach((w, c) => {
      const rows = byClass[c];
      // randint(0, n_class, size=n_new), as imblearn.
      for (let s = t.counts[c]; s < w; s++)
        add.source[o++] = rows[Math.floor(ctx.rng() * rows.length)];
    });
    return appendRows(frame, t, add, [], ctx.deferAppended === true);
  },

  examples: [
    {
      name: 'a text column with missing values, a date, 3 of 10 rows in the minority',
      params: { samplingStrategy: 'auto' },
      target: 'ok',
      frame: () =>
        makeFrame([
          stringColumn('note', 'text', ['a', null, 'c', 'd', 'e', null, 'g', 'h', 'i', 'j']),
          numericColumn('when', 'date', [0, 86_400_000, null, 3, 4, 5, 6, 7, 8, 9]),
          numericColumn('x', 'number', [1.5, null, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]),
          numericColumn('ok', 'boolean', [1, 0, 1, 1, 0, 1, 1, 0, 1, 1]),
        ]),
    },
    {
      name: 'ratio 0.5 on a binary string target',
      params: { samplingStrategy: 0.5 },
      target: 'c',
      frame: () =>
        makeFrame([
          numericColumn('v', 'integer', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
          stringColumn('c', 'categorical', [
            'a',
            'a',
            'a',
            'b',
            'a',
            'a',
            'a',
            'a',
            'a',
            'b',
            'a',
            'a',
          ]),
        ]),
    },
  ],
});
