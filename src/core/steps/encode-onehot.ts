// encode.onehot: one 0/1 column per category, named `<column>=<value>` (DESIGN.md §7), replacing the
// column in place, in sorted category order (as scikit-learn's OneHotEncoder). Decisions:
// - cap: with more distinct values than `maxCategories`, the rarest go to one `<column>=(other)`
//   bucket, placed last; `maxCategories` counts that bucket, and ties among the rarest are broken as
//   scikit-learn's max_categories does (the later value in sorted order is kept);
// - unseen at inference: a value the step never saw goes to `(other)` when the column has that
//   bucket, else every indicator is 0 (scikit-learn's handle_unknown='infrequent_if_exist');
// - missing values: every indicator is 0 (impute first to give them a column of their own);
// - hard limit: a column with more than 1,000 distinct values is refused with a message naming it
//   and the count (that is an identifier or free text; encode it as ordinal or drop it).
import { BenchtopError } from '../errors';
import {
  findColumn,
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  type FrameColumn,
} from '../data/frame';
import { CATEGORICAL, defineStep, remapCodes, stringInput } from './define';
import { categoryCounts, requireValues, usedCategoriesSorted } from './stats';

type Params = { columns: string[]; maxCategories: number };
type State = {
  /** Per column: the categories that get their own indicator, sorted. */
  categories: string[][];
  /** Per column: whether it has an `(other)` bucket for rare and unseen values. */
  other: boolean[];
};

/** More distinct values than this and one-hot encoding is refused. */
export const ONEHOT_HARD_LIMIT = 1000;
export const OTHER_LABEL = '(other)';

export const onehotName = (column: string, value: string): string => `${column}=${value}`;

/**
 * Sets outs[remap[code]][i] = 1 for every row (the (other) bucket where remap is -1 and there is
 * one; nothing for a missing code). One pass over the codes; the outputs start as zeros.
 */
function scatterOnes(
  codes: Int32Array,
  remap: Int32Array,
  outs: Float64Array[],
  bucket: Float64Array | null,
): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) continue; // missing: all zeros
    const k = remap[c];
    if (k >= 0) outs[k][i] = 1;
    else if (bucket) bucket[i] = 1;
  }
}

export const encodeOnehot = defineStep<Params, State>({
  kind: 'encode.onehot',
  role: 'transform',
  title: 'Encode: one-hot',
  description:
    'Replaces a categorical column with one 0/1 column per category, named column=value. Rare categories beyond the cap share one column=(other) column, which also takes values never seen before; otherwise unseen and missing values give all zeros.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: CATEGORICAL },
    maxCategories: {
      type: 'number',
      label: 'Most columns per category column (including "(other)")',
      min: 2,
      max: ONEHOT_HARD_LIMIT,
      integer: true,
    },
  },
  defaults: { columns: [], maxCategories: 20 },

  fit(frame, params) {
    const categories: string[][] = [];
    const other: boolean[] = [];
    for (const name of params.columns) {
      const column = stringInput(frame, name);
      const { counts } = categoryCounts(column);
      const used = usedCategoriesSorted(column, counts);
      requireValues(column, used.length, 'category to encode');
      if (used.length > ONEHOT_HARD_LIMIT) {
        throw new BenchtopError(
          'invalid-argument',
          `column '${name}' has ${used.length.toLocaleString('en-US')} distinct values; one-hot encoding would add a column for each (the limit is ${ONEHOT_HARD_LIMIT.toLocaleString('en-US')}). Encode it as ordinal instead, or drop the column.`,
          { column: name, distinct: used.length },
        );
      }
      let kept = used;
      let bucket = false;
      if (used.length > params.maxCategories) {
        // scikit-learn: a stable ascending sort by count of the sorted categories; the first
        // (n - maxCategories + 1) are infrequent.
        const countOf = new Map<string, number>();
        for (let k = 0; k < counts.length; k++)
          if (counts[k] > 0) countOf.set(column.categories[k], counts[k]);
        const order = used
          .map((value, i) => ({ value, i, count: countOf.get(value) ?? 0 }))
          .sort((a, b) => a.count - b.count || a.i - b.i);
        const rare = new Set(
          order.slice(0, used.length - params.maxCategories + 1).map((o) => o.value),
        );
        kept = used.filter((v) => !rare.has(v));
        bucket = true;
      }
      const names = kept.map((v) => onehotName(name, v));
      if (bucket) names.push(onehotName(name, OTHER_LABEL));
      const clash = names.find((n) => findColumn(frame, n));
      if (clash) {
        throw new BenchtopError(
          'invalid-argument',
          `one-hot encoding '${name}' would add a column '${clash}', but a column with that name already exists. Rename it first.`,
          { column: name },
        );
      }
      categories.push(kept);
      other.push(bucket);
    }
    return { categories, other };
  },

  transform(frame, fitted) {
    const replacements = new Map<string, FrameColumn[]>();
    fitted.spec.params.columns.forEach((name, j) => {
      const column = stringInput(frame, name);
      const kept = fitted.state.categories[j];
      const remap = remapCodes(column, kept);
      const outs = kept.map(() => new Float64Array(frame.rows));
      const bucket = fitted.state.other[j] ? new Float64Array(frame.rows) : null;
      scatterOnes(column.codes, remap, outs, bucket);
      const cols: FrameColumn[] = kept.map((v, k) => ({
        name: onehotName(name, v),
        kind: 'boolean',
        values: outs[k],
      }));
      if (bucket)
        cols.push({ name: onehotName(name, OTHER_LABEL), kind: 'boolean', values: bucket });
      replacements.set(name, cols);
    });
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'a few categories, a missing value, a numeric column left alone',
      params: { columns: ['weather'], maxCategories: 20 },
      frame: () =>
        makeFrame([
          stringColumn('weather', 'categorical', ['sun', 'rain', 'fog', null, 'sun', 'snow']),
          numericColumn('wind', 'number', [1.5, 3, 2.25, 4, null, 0]),
        ]),
    },
    {
      name: 'capped with an (other) bucket and ties among the rare values',
      params: { columns: ['city', 'tier'], maxCategories: 3 },
      frame: () =>
        makeFrame([
          stringColumn('city', 'categorical', [
            'Oslo',
            'Oslo',
            'Oslo',
            'Lima',
            'Lima',
            'Pune',
            'Kiev',
            'Rome',
            null,
          ]),
          stringColumn('tier', 'text', [
            'gold',
            'silver',
            'gold',
            'gold',
            'bronze',
            'silver',
            'gold',
            'silver',
            'gold',
          ]),
        ]),
    },
  ],
});
