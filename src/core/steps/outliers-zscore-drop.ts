// outliers.zscore-drop: a filter. Rows with a value more than `threshold` population standard
// deviations from the mean (see outliers-zscore.ts) in any chosen column are removed while fitting
// only; at inference every row is kept. The state keeps the ranges and records how many rows were
// dropped, for the UI to show.
import { ZSCORE_RULE } from './outliers-zscore';
import { defineOutlierDrop, outlierExamples } from './outliers-shared';

export const outliersZscoreDrop = defineOutlierDrop(ZSCORE_RULE, {
  kind: 'outliers.zscore-drop',
  title: 'Outliers: z-score (drop rows)',
  description:
    'Removes, while training only, the rows with a value more than 3 standard deviations from the mean in any chosen column. A constant column has no outliers; missing values are not outliers. The number of rows removed is shown.',
  examples: outlierExamples((columns, variant) => ({
    columns,
    threshold: variant === 0 ? 2 : 1,
  })),
});
