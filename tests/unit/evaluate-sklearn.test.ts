// crossValidate against scikit-learn's cross_validate on the same folds, fold by fold. Source of the
// expected scores: scikit-learn 1.2.1, tests/fixtures/golden/sklearn_split.py (`cv` section):
// Pipeline(ColumnTransformer([median imputer + StandardScaler on the numeric columns, OneHotEncoder
// on the categorical one]), NearestCentroid() / LinearRegression()) under StratifiedKFold(5) /
// KFold(5), on vega-datasets penguins.json and cars.json. Benchtop runs the same preparation as a
// recipe, fitted inside each training fold, with the test doubles of evaluate-doubles.ts (the same
// models written out), so each fold's score must match: this checks the folds, the per-fold
// fitting, the test-fold replay and the metrics together.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossValidate } from '../../src/core/evaluate';
import { jsonFrame, leastSquares, nearestCentroid, recipeOf } from './evaluate-doubles';

interface CvCase {
  dataset: string;
  target: string;
  numeric: string[];
  categorical: string[];
  folds: number;
  scores: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync('tests/fixtures/golden/sklearn-split.json', 'utf8')) as {
  source: string;
  cv: CvCase[];
};

function stepsFor(c: CvCase) {
  return [
    { kind: 'impute.median', params: { columns: c.numeric } },
    { kind: 'scale.standard', params: { columns: c.numeric } },
    { kind: 'encode.onehot', params: { columns: c.categorical } },
  ];
}

describe(`crossValidate = sklearn cross_validate on the same folds (${golden.source})`, () => {
  for (const c of golden.cv) {
    it(`${c.dataset} -> ${c.target}`, async () => {
      let frame = jsonFrame(
        c.dataset,
        [...c.numeric, ...(c.target === 'Weight_in_lbs' ? [c.target] : [])],
        [...c.categorical, ...(c.target === 'Species' ? ['Species'] : [])],
      );
      if (c.target === 'Gentoo') {
        // The binary target of the script: np.where(Species == 'Gentoo', 'yes', 'no').
        const species = jsonFrame(c.dataset, [], ['Species']).columns[0] as {
          codes: Int32Array;
          categories: string[];
        };
        const yes = Array.from(species.codes, (code) =>
          species.categories[code] === 'Gentoo' ? 'yes' : 'no',
        );
        const { stringColumn, makeFrame } = await import('../../src/core/data/frame');
        frame = makeFrame([...frame.columns, stringColumn('Gentoo', 'categorical', yes)]);
      }
      const regression = c.target === 'Weight_in_lbs';
      const recipe = recipeOf(c.target, regression ? 'regression' : 'classification', stepsFor(c));
      const result = await crossValidate(frame, recipe, {
        trainer: regression ? leastSquares : nearestCentroid,
        validation: {
          kind: regression ? 'kfold' : 'stratified-kfold',
          folds: c.folds,
          shuffle: false,
        },
      });
      expect(result.folds).toHaveLength(c.folds);
      const names: Record<string, string> = {
        f1_macro: 'f1',
        precision_macro: 'precision',
        recall_macro: 'recall',
      };
      for (const [sk, values] of Object.entries(c.scores)) {
        const ours = result.folds.map((f) => f.report.metrics[names[sk] ?? sk]);
        // Regression: features reach the model as float32, so agree to a relative 1e-6.
        values.forEach((v, i) =>
          regression
            ? expect(Math.abs(ours[i] - v)).toBeLessThan(1e-6 * Math.abs(v))
            : expect(ours[i]).toBeCloseTo(v, 12),
        );
        // Mean ± population std (ddof = 0) over the folds, as numpy's mean() / std().
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
        expect(Math.abs(result.metrics[names[sk] ?? sk].mean - mean)).toBeLessThan(
          1e-6 * Math.abs(mean) + 1e-12,
        );
        expect(Math.abs(result.metrics[names[sk] ?? sk].std - std)).toBeLessThan(
          1e-5 * Math.abs(std) + 1e-12,
        );
      }
      if (c.target === 'Gentoo') {
        expect(result.labels?.labels).toEqual(['no', 'yes']);
        expect(result.labels?.positive).toBe(1); // 'yes' is the minority (124 of 344)
      }
    });
  }
});
