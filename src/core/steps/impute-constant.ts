// impute.constant: fills missing values in numeric columns with a fixed number (default 0), as
// scikit-learn's SimpleImputer(strategy='constant'). It learns nothing, so it also works on a
// column with no values at all. Dates take the number as epoch milliseconds.
import { makeFrame, numericColumn } from '../data/frame';
import { defineStep, NUMERIC } from './define';
import {
  imputeParamSpecs,
  imputeTransform,
  learnIndicators,
  type ImputeState,
} from './impute-shared';

type Params = { columns: string[]; indicator: boolean; value: number };

export const imputeConstant = defineStep<Params, ImputeState>({
  kind: 'impute.constant',
  role: 'transform',
  title: 'Impute: constant number',
  description:
    'Fills missing values in numeric columns with a number you choose (0 by default). Optionally adds a <column>_missing indicator.',
  params: {
    ...imputeParamSpecs(NUMERIC),
    value: { type: 'number', label: 'Fill value' },
  },
  defaults: { columns: [], indicator: false, value: 0 },

  fit(frame, params) {
    return {
      fill: params.columns.map(() => params.value),
      indicators: learnIndicators(frame, params),
    };
  },
  transform: imputeTransform,

  examples: [
    {
      name: 'an all-missing column and a fractional fill on integers',
      params: { columns: ['empty', 'count'], indicator: true, value: -1.5 },
      frame: () =>
        makeFrame([
          numericColumn('empty', 'number', [null, null, null]),
          numericColumn('count', 'integer', [3, null, 5]),
        ]),
    },
    {
      name: 'zero keeps integers and booleans as they are',
      params: { columns: ['count', 'flag'], indicator: false, value: 0 },
      frame: () =>
        makeFrame([
          numericColumn('count', 'integer', [3, null, 5, 1]),
          numericColumn('flag', 'boolean', [null, 1, 0, 1]),
        ]),
    },
  ],
});
