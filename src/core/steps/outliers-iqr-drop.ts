// outliers.iqr-drop: a filter. Rows with a value outside Tukey's fences (see outliers-iqr.ts) in any
// chosen column are removed while fitting only; at inference every row is kept and predicted. The
// state keeps the fences and records how many rows were dropped, for the UI to show.
import { defineStep } from './define';
import {
  dropOutlierRows,
  iqrBounds,
  OUTLIER_KINDS,
  outlierExamples,
  rowsWithoutOutliers,
  type Bounds,
} from './outliers-shared';
import { IQR_FACTOR_PARAM } from './outliers-iqr';

type Params = { columns: string[]; factor: number };
type State = Bounds & { rows: number; dropped: number };

export const outliersIqrDrop = defineStep<Params, State>({
  kind: 'outliers.iqr-drop',
  role: 'filter',
  title: 'Outliers: IQR (drop rows)',
  description:
    'Removes, while training only, the rows with a value more than 1.5 interquartile ranges outside the quartiles (Tukey’s fences) in any chosen column. Missing values are not outliers. The number of rows removed is shown.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: OUTLIER_KINDS },
    factor: IQR_FACTOR_PARAM,
  },
  defaults: { columns: [], factor: 1.5 },

  fit(frame, params) {
    const bounds = iqrBounds(frame, params.columns, params.factor);
    const kept = rowsWithoutOutliers(frame, params.columns, bounds);
    return { ...bounds, rows: frame.rows, dropped: frame.rows - kept.length };
  },

  transform: dropOutlierRows,

  examples: outlierExamples((columns, variant) => ({ columns, factor: variant === 0 ? 1.5 : 0.5 })),
});
