// outliers.zscore: a value whose z-score (distance from the mean in population standard deviations,
// as scipy.stats.zscore) is above the threshold (3 by default) is an outlier; the mean and std are
// learned on the fitting rows. Outliers are flagged (a boolean `<column>_outlier` column) or clipped
// to mean ± threshold·std. To remove the rows instead, use outliers.zscore-drop (a filter).
// Shared logic and the exact rules: outliers-shared.ts; this file holds the z-score rule itself.
import {
  defineFlagOrClip,
  outlierExamples,
  zscoreBounds,
  type FlagOrClipParams,
  type OutlierRule,
} from './outliers-shared';

type Params = FlagOrClipParams<'threshold'>;

export const ZSCORE_THRESHOLD_PARAM = {
  type: 'number',
  label: 'Threshold (standard deviations)',
  help: 'A value further than this many standard deviations from the mean is an outlier.',
  min: 0,
  exclusive: true,
} as const;

/** mean ± 3 population standard deviations by default (also outliers.zscore-drop's rule). */
export const ZSCORE_RULE: OutlierRule<'threshold'> = {
  key: 'threshold',
  param: ZSCORE_THRESHOLD_PARAM,
  default: 3,
  bounds: zscoreBounds,
};

export const outliersZscore = defineFlagOrClip(ZSCORE_RULE, {
  kind: 'outliers.zscore',
  title: 'Outliers: z-score (flag or clip)',
  description:
    'Values more than 3 standard deviations from the mean (learned on the training rows) are flagged in a new column_outlier column, or clipped to that range. A constant column has no outliers. Missing values are left alone.',
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
