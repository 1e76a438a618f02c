// impute.most-frequent: fills missing values with the column's most frequent value, as
// scikit-learn's SimpleImputer(strategy='most_frequent'); ties go to the smallest value (numbers) or
// the first in text order (categories), as scikit-learn breaks them. Works on every kind;
// auto-prepare uses it for categories. An all-missing column is an error naming it.
import { findColumn, isNumericColumn, makeFrame, numericColumn, stringColumn } from '../data/frame';
import { ANY_KIND, defineStep } from './define';
import {
  imputeParamSpecs,
  imputeTransform,
  learnIndicators,
  type ImputeParams,
  type ImputeState,
} from './impute-shared';
import { categoryCounts, compareText, mode, presentValues, requireValues, sorted } from './stats';

export const imputeMostFrequent = defineStep<ImputeParams, ImputeState>({
  kind: 'impute.most-frequent',
  role: 'transform',
  title: 'Impute: most frequent',
  description:
    'Fills missing values with the column’s most frequent value (as scikit-learn’s SimpleImputer). Works on categories, text and numbers. Optionally adds a <column>_missing indicator.',
  params: imputeParamSpecs(ANY_KIND),
  defaults: { columns: [], indicator: false },

  fit(frame, params) {
    const fill = params.columns.map((name): number | string => {
      const column = findColumn(frame, name);
      if (!column) return NaN; // unreachable: the pipeline checked the columns
      if (isNumericColumn(column)) {
        const values = presentValues(column);
        requireValues(column, values.length, 'most frequent value to fill with');
        return mode(sorted(values));
      }
      const { counts } = categoryCounts(column);
      let best = -1;
      for (let k = 0; k < counts.length; k++) {
        if (counts[k] === 0) continue;
        if (
          best < 0 ||
          counts[k] > counts[best] ||
          (counts[k] === counts[best] &&
            compareText(column.categories[k], column.categories[best]) < 0)
        )
          best = k;
      }
      requireValues(column, best < 0 ? 0 : 1, 'most frequent value to fill with');
      return column.categories[best];
    });
    return { fill, indicators: learnIndicators(frame, params) };
  },
  transform: imputeTransform,

  examples: [
    {
      name: 'categories with a tie (the first in text order wins) and numbers',
      params: { columns: ['colour', 'size', 'doors'], indicator: true },
      frame: () =>
        makeFrame([
          stringColumn('colour', 'categorical', ['red', 'blue', null, 'red', 'blue', 'green']),
          stringColumn('size', 'text', ['S', null, 'M', 'M', 'L', 'M']),
          numericColumn('doors', 'integer', [4, 2, 2, null, 4, 5]),
        ]),
    },
  ],
});
