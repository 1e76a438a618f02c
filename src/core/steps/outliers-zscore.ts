// outliers.zscore: a value whose z-score (distance from the mean in population standard deviations,
// as scipy.stats.zscore) is above the threshold (3 by default) is an outlier; the mean and std are
// learned on the fitting rows. Outliers are flagged (a boolean `<column>_outlier` column) or clipped
// to mean ± threshold·std. To remove the rows instead, use outliers.zscore-drop (a filter).
// Shared logic and the exact rules: outliers-shared.ts.
import { defineStep } from './define';
import {
  checkFlagNames,
  OUTLIER_ACTIONS,
  OUTLIER_KINDS,
  outlierExamples,
  outlierTransform,
  zscoreBounds,
  type Bounds,
  type OutlierAction,
} from './outliers-shared';

type Params = { columns: string[]; threshold: number; action: OutlierAction };

export const ZSCORE_THRESHOLD_PARAM = {
  type: 'number',
  label: 'Threshold (standard deviations)',
  help: 'A value further than this many standard deviations from the mean is an outlier.',
  min: 0,
  exclusive: true,
} as const;

export const outliersZscore = defineStep<Params, Bounds>({
  kind: 'outliers.zscore',
  role: 'transform',
  title: 'Outliers: z-score (flag or clip)',
  description:
    'Values more than 3 standard deviations from the mean (learned on the training rows) are flagged in a new column_outlier column, or clipped to that range. A constant column has no outliers. Missing values are left alone.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: OUTLIER_KINDS },
    threshold: ZSCORE_THRESHOLD_PARAM,
    action: { type: 'choice', label: 'What to do with outliers', options: OUTLIER_ACTIONS },
  },
  defaults: { columns: [], threshold: 3, action: 'flag' },

  fit(frame, params) {
    if (params.action === 'flag') checkFlagNames(frame, params.columns);
    return zscoreBounds(frame, params.columns, params.threshold);
  },

  transform(frame, fitted) {
    const { columns, action } = fitted.spec.params;
    return outlierTransform(frame, columns, fitted.state, action);
  },

  // With 8 values a z-score cannot exceed sqrt(7) ≈ 2.65, so the examples use thresholds below it.
  examples: outlierExamples<Params>((columns, variant) => ({
    columns,
    threshold: 2,
    action: variant === 0 ? 'flag' : 'clip',
  })).concat(
    outlierExamples<Params>((columns, variant) => ({
      columns,
      threshold: 1.5,
      action: variant === 0 ? 'clip' : 'flag',
    })),
  ),
});
