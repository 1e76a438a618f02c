// rows.drop-missing: a filter step. While fitting (and when previewing or preparing a training
// set) it removes rows that have a missing value in any of the chosen columns; at inference it is
// skipped, like a sampler, because a model must answer for every row it is given. Its state records
// how many rows it removed from the data it was fitted on, for the UI to show.
import {
  findColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
} from '../data/frame';
import { ANY_KIND, defineStep } from './define';
import { columnsFilter, type RowCounts } from './rows-filter';

type Params = { columns: string[] };

/** Indices of the rows with a value in every listed column. */
function keptRows(frame: Frame, columns: readonly string[]): Int32Array {
  const keep = new Uint8Array(frame.rows).fill(1);
  for (const name of columns) {
    const c = findColumn(frame, name);
    if (!c) continue;
    if (isNumericColumn(c)) {
      for (let i = 0; i < frame.rows; i++) if (c.values[i] !== c.values[i]) keep[i] = 0;
    } else {
      for (let i = 0; i < frame.rows; i++) if (c.codes[i] < 0) keep[i] = 0;
    }
  }
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i];
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < keep.length; i++) if (keep[i]) out[j++] = i;
  return out;
}

export const rowsDropMissing = defineStep<Params, RowCounts>({
  kind: 'rows.drop-missing',
  role: 'filter',
  title: 'Drop rows with missing values',
  description:
    'Removes the rows that have a missing value in any of the chosen columns, while training only: at prediction time every row is kept.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: ANY_KIND },
  },
  defaults: { columns: [] },

  ...columnsFilter(keptRows),

  examples: [
    {
      name: 'missing numbers and categories',
      params: { columns: ['age', 'city'] },
      frame: () =>
        makeFrame([
          numericColumn('age', 'integer', [30, null, 41, 22, 35]),
          stringColumn('city', 'categorical', ['Oslo', 'Lima', null, 'Oslo', 'Pune']),
          numericColumn('score', 'number', [null, 1, 2, 3, 4]),
        ]),
    },
  ],
});
