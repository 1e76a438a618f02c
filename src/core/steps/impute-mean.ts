// impute.mean: fills missing values with the column's mean, as scikit-learn's
// SimpleImputer(strategy='mean'). A column with no values at all in the fitted rows is an error
// naming it (scikit-learn would silently drop the column; we would rather say so). Dates are filled
// with the mean instant, rounded to the millisecond.
import { makeFrame, numericColumn, stringColumn } from '../data/frame';
import { defineStep, NUMERIC, numericInput } from './define';
import {
  imputeParamSpecs,
  imputeTransform,
  learnIndicators,
  type ImputeParams,
  type ImputeState,
} from './impute-shared';
import { moments, requireValues } from './stats';

export const imputeMean = defineStep<ImputeParams, ImputeState>({
  kind: 'impute.mean',
  role: 'transform',
  title: 'Impute: mean',
  description:
    'Fills missing values in numeric columns with the column’s mean (as scikit-learn’s SimpleImputer). Optionally adds a <column>_missing indicator.',
  params: imputeParamSpecs(NUMERIC),
  defaults: { columns: [], indicator: false },

  fit(frame, params) {
    const fill = params.columns.map((name) => {
      const column = numericInput(frame, name);
      const { count, mean } = moments(column);
      requireValues(column, count, 'mean to fill with');
      return column.kind === 'date' ? Math.round(mean) : mean;
    });
    return { fill, indicators: learnIndicators(frame, params) };
  },
  transform: imputeTransform,

  examples: [
    {
      name: 'missing values in integer, number, boolean and date columns',
      params: { columns: ['age', 'score', 'member', 'joined'], indicator: false },
      frame: () =>
        makeFrame([
          numericColumn('age', 'integer', [30, null, 41, 22]),
          numericColumn('score', 'number', [0.5, 0.25, null, null]),
          numericColumn('member', 'boolean', [1, 0, null, 1]),
          numericColumn('joined', 'date', [Date.UTC(2020, 0, 1), null, Date.UTC(2021, 0, 1), 0]),
          stringColumn('team', 'categorical', ['a', 'b', null, 'a']),
        ]),
    },
    {
      name: 'with indicators; a complete column gets none',
      params: { columns: ['age', 'full'], indicator: true },
      frame: () =>
        makeFrame([
          numericColumn('age', 'integer', [30, null, 40, 22, null]),
          numericColumn('full', 'number', [1, 2, 3, 4, 5]),
        ]),
    },
  ],
});
