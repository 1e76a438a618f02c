// encode.ordinal: replaces each category with its position in the sorted list of fitted categories
// (0, 1, 2...), as scikit-learn's OrdinalEncoder. The column becomes an integer column. Decisions:
// a missing value stays missing (NaN, scikit-learn's encoded_missing_value default); a value never
// seen while fitting becomes -1 (scikit-learn's handle_unknown='use_encoded_value', unknown_value=-1).
// No cap: this is the encoding to use for columns with too many values for one-hot.
import {
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  type FrameColumn,
} from '../data/frame';
import { CATEGORICAL, defineStep, remapCodes, stringInput } from './define';
import { categoryCounts, requireValues, usedCategoriesSorted } from './stats';

type Params = { columns: string[] };
type State = { categories: string[][] };

/** The code of a value the step never saw. */
export const ORDINAL_UNKNOWN = -1;

export const encodeOrdinal = defineStep<Params, State>({
  kind: 'encode.ordinal',
  role: 'transform',
  title: 'Encode: ordinal',
  description:
    'Replaces each category with its number in sorted order (0, 1, 2…), as scikit-learn’s OrdinalEncoder. Missing values stay missing; values never seen while fitting become -1.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: CATEGORICAL },
  },
  defaults: { columns: [] },

  fit(frame, params) {
    const categories = params.columns.map((name) => {
      const column = stringInput(frame, name);
      const used = usedCategoriesSorted(column, categoryCounts(column).counts);
      requireValues(column, used.length, 'category to encode');
      return used;
    });
    return { categories };
  },

  transform(frame, fitted) {
    const replacements = new Map<string, FrameColumn[]>();
    fitted.spec.params.columns.forEach((name, j) => {
      const column = stringInput(frame, name);
      const remap = remapCodes(column, fitted.state.categories[j]);
      const out = new Float64Array(frame.rows);
      const codes = column.codes;
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i];
        out[i] = c < 0 ? NaN : remap[c] >= 0 ? remap[c] : ORDINAL_UNKNOWN;
      }
      replacements.set(name, [{ name, kind: 'integer', values: out }]);
    });
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'categorical and text columns with missing values',
      params: { columns: ['size', 'brand'] },
      frame: () =>
        makeFrame([
          stringColumn('size', 'categorical', ['M', 'S', 'L', null, 'M', 'XL']),
          stringColumn('brand', 'text', ['acme', 'zeta', 'acme', 'beta', null, 'beta']),
          numericColumn('price', 'number', [5, 3, 8, 7, 5, 11]),
        ]),
    },
  ],
});
