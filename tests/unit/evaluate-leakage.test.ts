// Leakage test (DESIGN.md §2: nothing is fitted on data it will be scored on). Two witnesses record
// which rows they see, by a row-id column: a test-only preparation step registered here (what every
// step's fit sees) and a recording ModelTrainer (what the model is fitted on and asked to predict),
// plus the resample hook. On vega-datasets penguins.json with a filter in the recipe, no test-fold
// row may ever reach a fit, and every test row with a target must be predicted (filters do not run
// on the test fold).
import { describe, expect, it } from 'vitest';
import {
  makeFrame,
  numericColumn,
  stringColumn,
  takeRows,
  type Frame,
} from '../../src/core/data/frame';
import { crossValidate, encodeTarget, labelMapping } from '../../src/core/evaluate';
import { makeFolds } from '../../src/core/split';
import { defineStep, NUMERIC, registerStep, type StepSpec } from '../../src/core/steps';
import { numericInput } from '../../src/core/steps/define';
import { jsonFrame, nearestCentroid, recipeOf, recordingTrainer } from './evaluate-doubles';

const seenByStep: number[][] = [];
registerStep(
  defineStep<{ column: string }, { rows: number }>({
    kind: 'test.record-rows',
    role: 'transform',
    title: 'Test: record rows',
    description: 'Test only: records the row ids it is fitted on; passes rows through unchanged.',
    params: { column: { type: 'column', label: 'Row id', kinds: NUMERIC } },
    defaults: { column: '' },
    fit(frame, params) {
      seenByStep.push(Array.from(numericInput(frame, params.column).values));
      return { rows: frame.rows };
    },
    transform: (frame) => frame,
    examples: [],
  }),
);

const NUM = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

/** penguins with a row id, and 6 species blanked (missing targets in train and test folds). */
function penguins(): Frame {
  const base = jsonFrame('penguins.json', NUM, ['Island', 'Sex', 'Species']);
  const species = base.columns.find((c) => c.name === 'Species') as {
    codes: Int32Array;
    categories: string[];
  };
  const blanked = Array.from(species.codes, (c, i) =>
    i % 57 === 5 ? null : species.categories[c],
  );
  return makeFrame([
    numericColumn(
      'rowid',
      'integer',
      Array.from({ length: base.rows }, (_, i) => i),
    ),
    ...base.columns.filter((c) => c.name !== 'Species'),
    stringColumn('Species', 'categorical', blanked),
  ]);
}

const steps: StepSpec[] = [
  { kind: 'rows.drop-missing-target', params: { target: 'Species' } },
  { kind: 'rows.drop-missing', params: { columns: ['Sex'] } },
  { kind: 'test.record-rows', params: { column: 'rowid' } },
  { kind: 'impute.median', params: { columns: NUM } },
  { kind: 'impute.most-frequent', params: { columns: ['Sex'] } },
  { kind: 'encode.onehot', params: { columns: ['Island', 'Sex'] } },
  { kind: 'scale.standard', params: { columns: NUM } },
];

describe('cross-validation never fits on a test-fold row', () => {
  for (const validation of [
    { kind: 'stratified-kfold', folds: 5, shuffle: true },
    { kind: 'repeated-stratified-kfold', folds: 3, repeats: 2 },
    { kind: 'kfold', folds: 4, shuffle: false },
    { kind: 'holdout', testSize: 0.3 },
  ]) {
    it(`${validation.kind}: steps, sampler and model see training rows only; every test row with a target is predicted`, async () => {
      seenByStep.length = 0;
      const frame = penguins();
      const recipe = recipeOf('Species', 'classification', steps, 11);
      const { trainer, recording } = recordingTrainer(nearestCentroid, 'rowid');
      const seenBySampler: number[][] = [];
      const result = await crossValidate(frame, recipe, {
        trainer,
        validation,
        resample: (prepared) => {
          const ids = prepared.columns.find((c) => c.name === 'rowid') as { values: Float64Array };
          seenBySampler.push(Array.from(ids.values));
          // Random-over-like: repeat the first 10 training rows.
          return takeRows(prepared, [
            ...Array.from({ length: prepared.rows }, (_, i) => i),
            ...Array.from({ length: 10 }, (_, i) => i),
          ]);
        },
      });
      // The folds crossValidate used: the same spec, labels and seed.
      const column = frame.columns.find((c) => c.name === 'Species')!;
      const y = encodeTarget(column, labelMapping(column));
      const plan = makeFolds(validation, { rows: frame.rows, y }, recipe.seed);
      const sex = frame.columns.find((c) => c.name === 'Sex') as { codes: Int32Array };
      expect(result.folds).toHaveLength(plan.folds.length);
      let unfilteredScored = 0;
      expect(seenByStep).toHaveLength(plan.folds.length);
      plan.folds.forEach((fold, f) => {
        const test = new Set(fold.test);
        // Filters ran on the training fold: the step saw exactly its rows with a target and a Sex.
        const expectedTrain = Array.from(fold.train).filter((i) => y[i] >= 0 && sex.codes[i] >= 0);
        expect(seenByStep[f]).toEqual(expectedTrain);
        expect(seenBySampler[f]).toEqual(expectedTrain);
        for (const seen of [seenByStep[f], seenBySampler[f], recording.fitted[f]]) {
          expect(seen.some((i) => test.has(i))).toBe(false);
        }
        expect(recording.fitted[f]).toEqual([...expectedTrain, ...expectedTrain.slice(0, 10)]);
        // The test fold is not filtered: rows without a Sex are predicted too; only rows without a
        // target are left out of the score.
        const scoredIds = Array.from(fold.test).filter((i) => y[i] >= 0);
        expect(recording.predicted[f]).toEqual(scoredIds);
        expect(Array.from(result.folds[f].scored)).toEqual(scoredIds);
        unfilteredScored += scoredIds.filter((i) => sex.codes[i] < 0).length;
      });
      // penguins has 10 rows without a Sex: a split that tests every row must have scored them.
      if (validation.kind !== 'holdout') expect(unfilteredScored).toBeGreaterThanOrEqual(9);
      expect(recording.disposed).toBe(plan.folds.length);
    });
  }
});
