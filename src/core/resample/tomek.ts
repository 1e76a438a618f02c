// Tomek links removal (imbalanced-learn's TomekLinks): two rows of different classes that are each
// other's nearest neighbour form a link; the member of a targeted class is removed ('auto': every
// class but the minority, so the majority side of each link goes). The nearest neighbour of every
// row among all rows comes from the exact blockwise search (neighbours.ts; float32 matrix products
// on the caller's tfjs backend when one is given, with the same result), lower index first on ties
// as scikit-learn's NearestNeighbors. Kept rows stay in their input order.
import { makeFrame, numericColumn, stringColumn } from '../data/frame';
import { defineSampler } from './define';
import { nearestNeighbours } from './neighbours';
import { cleaningTargets, readTarget } from './strategy';
import { featureColumns, keepRows, requireComplete, requireNumeric, rowMatrix } from './shared';

export type TomekParams = { samplingStrategy: 'auto' | 'all' | 'majority' };

/** Per row: whether it is the removable end of a Tomek link (nn = each row's nearest other row). */
export function tomekLinks(
  classOf: Int32Array,
  nn: Int32Array,
  targeted: readonly boolean[],
): Uint8Array {
  const out = new Uint8Array(classOf.length);
  for (let i = 0; i < classOf.length; i++) {
    const c = classOf[i];
    if (!targeted[c]) continue;
    const j = nn[i];
    if (classOf[j] !== c && nn[j] === i) out[i] = 1;
  }
  return out;
}

export const tomek = defineSampler<TomekParams>({
  kind: 'tomek',
  family: 'clean',
  title: 'Tomek links',
  description:
    'Removes rows that sit on the class border: when two rows of different classes are each other’s nearest neighbour, the one of the larger class goes (imbalanced-learn’s TomekLinks). Needs numeric features without missing values; distances use the features as the recipe prepared them.',
  params: {
    samplingStrategy: {
      type: 'choice',
      label: 'Remove from',
      help: "'auto': every class except the smallest; 'majority': the largest class only; 'all': both ends of each link.",
      options: ['auto', 'majority', 'all'],
    },
  },
  defaults: { samplingStrategy: 'auto' },

  fitResample(frame, target, params, ctx) {
    const t = readTarget(frame, target);
    const numeric = requireNumeric(
      featureColumns(frame, target),
      'Tomek links',
      "Encode it first (the 'Encode: one-hot' step), or leave it out.",
    );
    requireComplete(numeric, 'Tomek links');
    const all = Int32Array.from({ length: frame.rows }, (_, i) => i);
    const nn = nearestNeighbours(
      { rows: frame.rows, dims: numeric.length, values: rowMatrix(numeric, all) },
      1,
      {
        onProgress: (f) =>
          ctx.onProgress?.(f, `finding the nearest neighbour of each of ${frame.rows} rows`),
        isCancelled: ctx.isCancelled,
        tf: ctx.tf,
        path: ctx.neighbours,
      },
    );
    const links = tomekLinks(t.classOf, nn.index, cleaningTargets(params.samplingStrategy, t));
    let removed = 0;
    for (let i = 0; i < links.length; i++) removed += links[i];
    const keep = new Int32Array(frame.rows - removed);
    for (let i = 0, o = 0; i < links.length; i++) if (!links[i]) keep[o++] = i;
    return keepRows(frame, t, keep, [
      `Tomek links: ${removed} row${removed === 1 ? '' : 's'} removed.`,
    ]);
  },

  examples: [
    {
      name: 'two interleaved classes on a line and a plane',
      params: { samplingStrategy: 'auto' },
      target: 'y',
      frame: () =>
        makeFrame([
          numericColumn('x', 'number', [0, 1, 1.4, 3, 4.1, 5, 5.3, 7, 8.2, 9, 9.45, 12]),
          numericColumn('z', 'integer', [0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0]),
          stringColumn('y', 'categorical', [
            'a',
            'a',
            'b',
            'a',
            'a',
            'a',
            'b',
            'a',
            'a',
            'a',
            'b',
            'a',
          ]),
        ]),
    },
    {
      name: 'both ends of each link',
      params: { samplingStrategy: 'all' },
      target: 'y',
      frame: () =>
        makeFrame([
          numericColumn('x', 'number', [0, 1, 1.4, 3, 4.1, 5, 5.3, 7, 8.2, 9, 9.45, 12]),
          numericColumn('y', 'integer', [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]),
        ]),
    },
  ],
});
