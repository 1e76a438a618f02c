// outliers.zscore-drop: a filter. Rows with a value more than `threshold` population standard
// deviations from the mean (see outliers-zscore.ts) in any chosen column are removed while fitting
// only; at inference every row is kept. The state keeps the ranges and records how many rows were
// dropped, for the UI to show.
import { defineStep } from './define';
import {
  dropOutlierRows,
  OUTLIER_KINDS,
  outlierExamples,
  rowsWithoutOutliers,
  zscoreBounds,
  type Bounds,
} from './outliers-shared';
import { ZSCORE_THRESHOLD_PARAM } from './outliers-zscore';

type Params = { columns: string[]; threshold: number };
type State = Bounds & { rows: number; dropped: number };

export const outliersZscoreDrop = defineStep<Params, State>({
  kind: 'outliers.zscore-drop',
  role: 'filter',
  title: 'Outliers: z-score (drop rows)',
  description:
    'Removes, while training only, the rows with a value more than 3 standard deviations from the mean in any chosen column. A constant column has no outliers; missing values are not outliers. The number of rows removed is shown.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: OUTLIER_KINDS },
    threshold: ZSCORE_THRESHOLD_PARAM,
  },
  defaults: { columns: [], threshold: 3 },

  fit(frame, params) {
    const bounds = zscoreBounds(frame, params.columns, params.threshold);
    const kept = rowsWithoutOutliers(frame, params.columns, bounds);
    return { ...bounds, rows: frame.rows, dropped: frame.rows - kept.length };
  },

  transform: dropOutlierRows,

  examples: outlierExamples((columns, variant) => ({
    columns,
    threshold: variant === 0 ? 2 : 1,
  })),
});
