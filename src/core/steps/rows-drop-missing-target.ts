// rows.drop-missing-target: a filter step. Rows whose target is missing are dropped while fitting
// (never imputed: an invented answer would teach the model to predict the imputer). At inference
// it is skipped, since rows to predict have no target. The state records how many rows were
// dropped so the UI can show the count; a target with no values at all is an error, because there
// would be nothing left to learn from.
import { BenchtopError } from '../errors';
import {
  findColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
  stringColumn,
  takeRows,
  type Frame,
} from '../data/frame';
import { ANY_KIND, defineStep } from './define';

type Params = { target: string };
type State = { rows: number; dropped: number };

/** Indices of the rows that have a target value. */
function rowsWithTarget(frame: Frame, target: string): Int32Array {
  const c = findColumn(frame, target);
  const out = new Int32Array(frame.rows);
  let n = 0;
  if (!c) return out.subarray(0, 0);
  if (isNumericColumn(c)) {
    const v = c.values;
    for (let i = 0; i < v.length; i++) if (v[i] === v[i]) out[n++] = i;
  } else {
    const codes = c.codes;
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) out[n++] = i;
  }
  return out.subarray(0, n);
}

export const rowsDropMissingTarget = defineStep<Params, State>({
  kind: 'rows.drop-missing-target',
  role: 'filter',
  title: 'Drop rows with a missing target',
  description:
    'Removes the rows whose target value is missing, while training only (a target is never imputed). The number of rows removed is shown.',
  params: {
    target: { type: 'column', label: 'Target column', kinds: ANY_KIND },
  },
  defaults: { target: '' },

  fit(frame, params) {
    const kept = rowsWithTarget(frame, params.target);
    if (kept.length === 0) {
      throw new BenchtopError(
        'invalid-argument',
        `the target column has no values: every one of the ${frame.rows.toLocaleString('en-US')} rows is missing '${params.target}'. Choose another target column.`,
        { column: params.target, rows: frame.rows },
      );
    }
    return { rows: frame.rows, dropped: frame.rows - kept.length };
  },

  transform(frame, fitted) {
    const kept = rowsWithTarget(frame, fitted.spec.params.target);
    return kept.length === frame.rows ? frame : takeRows(frame, kept);
  },

  examples: [
    {
      name: 'a numeric target with gaps',
      params: { target: 'price' },
      frame: () =>
        makeFrame([
          numericColumn('price', 'number', [12.5, null, 8, null, 30]),
          stringColumn('city', 'categorical', ['Oslo', 'Lima', null, 'Oslo', 'Pune']),
        ]),
    },
    {
      name: 'a categorical target with a gap, missing features kept',
      params: { target: 'species' },
      frame: () =>
        makeFrame([
          numericColumn('mass', 'number', [3750, 3800, null, 3450, 4100]),
          stringColumn('species', 'categorical', ['Adelie', null, 'Gentoo', 'Adelie', 'Gentoo']),
        ]),
    },
  ],
});
