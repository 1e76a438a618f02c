// impute.constant-category: fills missing values in categorical or text columns with a fixed
// category, "missing" by default, as scikit-learn's SimpleImputer(strategy='constant',
// fill_value='missing'). Keeps "we do not know" visible to the model as its own category. Learns
// nothing, so it also works on a column with no values at all.
import { makeFrame, stringColumn } from '../data/frame';
import { CATEGORICAL, defineStep } from './define';
import {
  imputeParamSpecs,
  imputeTransform,
  learnIndicators,
  type ImputeState,
} from './impute-shared';

type Params = { columns: string[]; indicator: boolean; value: string };

export const imputeConstantCategory = defineStep<Params, ImputeState>({
  kind: 'impute.constant-category',
  role: 'transform',
  title: 'Impute: constant category',
  description:
    'Fills missing values in categorical or text columns with a category you choose ("missing" by default). Optionally adds a <column>_missing indicator.',
  params: {
    ...imputeParamSpecs(CATEGORICAL),
    value: { type: 'string', label: 'Fill category', nonEmpty: true },
  },
  defaults: { columns: [], indicator: false, value: 'missing' },

  fit(frame, params) {
    return {
      fill: params.columns.map(() => params.value),
      indicators: learnIndicators(frame, params),
    };
  },
  transform: imputeTransform,

  examples: [
    {
      name: 'a new category, an existing one, an all-missing column',
      params: { columns: ['pet', 'note', 'none'], indicator: false, value: 'missing' },
      frame: () =>
        makeFrame([
          stringColumn('pet', 'categorical', ['cat', null, 'dog', 'cat']),
          stringColumn('note', 'text', ['missing', 'ok', null, 'late']),
          stringColumn('none', 'categorical', [null, null, null, null]),
        ]),
    },
  ],
});
