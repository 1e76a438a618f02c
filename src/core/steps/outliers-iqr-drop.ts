// outliers.iqr-drop: a filter. Rows with a value outside Tukey's fences (see outliers-iqr.ts) in any
// chosen column are removed while fitting only; at inference every row is kept and predicted. The
// state keeps the fences and records how many rows were dropped, for the UI to show.
import { IQR_RULE } from './outliers-iqr';
import { defineOutlierDrop, outlierExamples } from './outliers-shared';

export const outliersIqrDrop = defineOutlierDrop(IQR_RULE, {
  kind: 'outliers.iqr-drop',
  title: 'Outliers: IQR (drop rows)',
  description:
    'Removes, while training only, the rows with a value more than 1.5 interquartile ranges outside the quartiles (Tukey’s fences) in any chosen column. Missing values are not outliers. The number of rows removed is shown.',
  examples: outlierExamples((columns, variant) => ({ columns, factor: variant === 0 ? 1.5 : 0.5 })),
});
