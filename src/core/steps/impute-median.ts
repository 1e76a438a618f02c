// impute.median: fills missing values with the column's median, as scikit-learn's
// SimpleImputer(strategy='median') (the mean of the two middle values for an even count). Robust
// to outliers; auto-prepare uses it for numbers. An all-missing column is an error naming it.
import { makeFrame, numericColumn } from '../data/frame';
import { defineStep, NUMERIC, numericInput } from './define';
import {
  imputeParamSpecs,
  imputeTransform,
  learnIndicators,
  type ImputeParams,
  type ImputeState,
} from './impute-shared';
import { columnMedian, requireValues } from './stats';

export const imputeMedian = defineStep<ImputeParams, ImputeState>({
  kind: 'impute.median',
  role: 'transform',
  title: 'Impute: median',
  description:
    'Fills missing values in numeric columns with the column’s median (as scikit-learn’s SimpleImputer). Optionally adds a <column>_missing indicator.',
  params: imputeParamSpecs(NUMERIC),
  defaults: { columns: [], indicator: false },

  fit(frame, params) {
    const fill = params.columns.map((name) => {
      const column = numericInput(frame, name);
      const { count, median: m } = columnMedian(column);
      requireValues(column, count, 'median to fill with');
      return column.kind === 'date' ? Math.round(m) : m;
    });
    return { fill, indicators: learnIndicators(frame, params) };
  },
  transform: imputeTransform,

  examples: [
    {
      name: 'even count (median between two values), an outlier',
      params: { columns: ['rooms', 'price'], indicator: true },
      frame: () =>
        makeFrame([
          numericColumn('rooms', 'integer', [1, 2, null, 3, 4, null]),
          numericColumn('price', 'number', [100, 120, 110, 9000, null, 105]),
        ]),
    },
  ],
});
