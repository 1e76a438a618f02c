// outliers.iqr: finds outliers with Tukey's fences, [q1 - 1.5·IQR, q3 + 1.5·IQR] by default, learned
// on the fitting rows, then flags them (a boolean `<column>_outlier` column) or clips them to the
// fences. To remove the rows instead, use outliers.iqr-drop (a filter: a step has exactly one role).
// Shared logic and the exact rules: outliers-shared.ts.
import { defineStep } from './define';
import {
  checkFlagNames,
  iqrBounds,
  OUTLIER_ACTIONS,
  OUTLIER_KINDS,
  outlierExamples,
  outlierTransform,
  type Bounds,
  type OutlierAction,
} from './outliers-shared';

type Params = { columns: string[]; factor: number; action: OutlierAction };

export const IQR_FACTOR_PARAM = {
  type: 'number',
  label: 'Fence factor (× interquartile range)',
  help: 'A value further than this many interquartile ranges below the first quartile or above the third is an outlier; 1.5 is Tukey’s rule, 3 marks only extreme values.',
  min: 0,
} as const;

export const outliersIqr = defineStep<Params, Bounds>({
  kind: 'outliers.iqr',
  role: 'transform',
  title: 'Outliers: IQR (flag or clip)',
  description:
    'Values more than 1.5 interquartile ranges outside the quartiles (Tukey’s fences, learned on the training rows) are flagged in a new column_outlier column, or clipped to the fences. Missing values are left alone.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: OUTLIER_KINDS },
    factor: IQR_FACTOR_PARAM,
    action: { type: 'choice', label: 'What to do with outliers', options: OUTLIER_ACTIONS },
  },
  defaults: { columns: [], factor: 1.5, action: 'flag' },

  fit(frame, params) {
    if (params.action === 'flag') checkFlagNames(frame, params.columns);
    return iqrBounds(frame, params.columns, params.factor);
  },

  transform(frame, fitted) {
    const { columns, action } = fitted.spec.params;
    return outlierTransform(frame, columns, fitted.state, action);
  },

  examples: outlierExamples<Params>((columns, variant) => ({
    columns,
    factor: 1.5,
    action: variant === 0 ? 'flag' : 'clip',
  })).concat(
    outlierExamples<Params>((columns, variant) => ({
      columns,
      factor: 3,
      action: variant === 0 ? 'clip' : 'flag',
    })),
  ),
});
