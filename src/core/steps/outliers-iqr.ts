// outliers.iqr: finds outliers with Tukey's fences, [q1 - 1.5·IQR, q3 + 1.5·IQR] by default, learned
// on the fitting rows, then flags them (a boolean `<column>_outlier` column) or clips them to the
// fences. To remove the rows instead, use outliers.iqr-drop (a filter: a step has exactly one role).
// Shared logic and the exact rules: outliers-shared.ts; this file holds the IQR rule itself.
import {
  defineFlagOrClip,
  iqrBounds,
  outlierExamples,
  type FlagOrClipParams,
  type OutlierRule,
} from './outliers-shared';

type Params = FlagOrClipParams<'factor'>;

export const IQR_FACTOR_PARAM = {
  type: 'number',
  label: 'Fence factor (× interquartile range)',
  help: 'A value further than this many interquartile ranges below the first quartile or above the third is an outlier; 1.5 is Tukey’s rule, 3 marks only extreme values.',
  min: 0,
} as const;

/** Tukey's fences, 1.5 interquartile ranges by default (also outliers.iqr-drop's rule). */
export const IQR_RULE: OutlierRule<'factor'> = {
  key: 'factor',
  param: IQR_FACTOR_PARAM,
  default: 1.5,
  bounds: iqrBounds,
};

export const outliersIqr = defineFlagOrClip(IQR_RULE, {
  kind: 'outliers.iqr',
  title: 'Outliers: IQR (flag or clip)',
  description:
    'Values more than 1.5 interquartile ranges outside the quartiles (Tukey’s fences, learned on the training rows) are flagged in a new column_outlier column, or clipped to the fences. Missing values are left alone.',
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
