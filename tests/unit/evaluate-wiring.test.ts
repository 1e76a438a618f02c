// The wiring the CLI and the train worker call (src/core/evaluate/run.ts) on real data with the
// real tfjs models (wasm backend in Node): the recipe's model / sampler / validation resolved with
// defaults and checked against the task; the sampler registry behind crossValidate's hook, seeing
// training-fold rows only (a spy between the hook and crossValidate, and the trainer's own rows);
// class weights arriving at the model as per-row weights computed on the training fold; no tensor
// leaks across folds; and trainFinal training on every row like a fold.
import { beforeAll, describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, stringColumn, type Frame } from '../../src/core/data/frame';
import { BenchtopError } from '../../src/core/errors';
import {
  crossValidate,
  encodeTarget,
  labelMapping,
  resolveStages,
  runCrossValidation,
  samplerHook,
  trainFinal,
  type ModelTrainer,
  type ResampleHook,
  type TrainingData,
} from '../../src/core/evaluate';
import { nodeTf } from '../../src/core/models/node-tf';
import { listModels, type Tf } from '../../src/core/models';
import { MODEL_TASKS } from '../../src/core/recipe/recipe';
import { applyRecipe } from '../../src/core/recipe';
import { toMatrix } from '../../src/core/evaluate';
import { makeFolds } from '../../src/core/split';
import type { JsonObject, StepSpec } from '../../src/core/steps';
import { jsonFrame, nearestCentroid, recipeOf, recordingTrainer } from './evaluate-doubles';

const NUM = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

/** penguins.json with a row id first (a feature the witnesses read back). */
function penguins(): Frame {
  const base = jsonFrame('penguins.json', NUM, ['Island', 'Sex', 'Species']);
  return makeFrame([
    numericColumn(
      'rowid',
      'integer',
      Array.from({ length: base.rows }, (_, i) => i),
    ),
    ...base.columns,
  ]);
}

const STEPS: StepSpec[] = [
  { kind: 'rows.drop-missing-target', params: { target: 'Species' } },
  { kind: 'impute.median', params: { columns: NUM } },
  { kind: 'impute.most-frequent', params: { columns: ['Island', 'Sex'] } },
  { kind: 'encode.onehot', params: { columns: ['Island', 'Sex'] } },
  { kind: 'scale.standard', params: { columns: NUM } },
];

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});

function thrown(fn: () => unknown): BenchtopError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected an error');
}

async function rejected(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected an error');
}

describe('resolveStages', () => {
  it('defaults: logreg + stratified 5-fold for classification, linear + 5-fold for regression', () => {
    const frame = penguins();
    const cls = resolveStages(frame, recipeOf('Species', 'classification', STEPS));
    expect(cls.model.kind).toBe('logreg');
    expect(cls.model.params.C).toBe(1);
    expect(cls.sampler).toBeNull();
    expect(cls.validation).toMatchObject({ kind: 'stratified-kfold', folds: 5, shuffle: true });
    const reg = resolveStages(frame, { ...recipeOf('Body Mass (g)', 'regression', []) });
    expect(reg.model.kind).toBe('linear');
    expect(reg.validation.kind).toBe('kfold');
    // No task in the recipe: a numeric target is regression.
    expect(
      resolveStages(frame, { ...recipeOf('Body Mass (g)', 'regression', []), task: null }).task,
    ).toBe('regression');
  });

  it('fills the recipe’s stages and lets overrides win', () => {
    const frame = penguins();
    const recipe = {
      ...recipeOf('Species', 'classification', STEPS),
      model: { kind: 'mlp', params: { hiddenLayers: [8] } },
      sampler: { kind: 'smote', params: {} },
      validation: { kind: 'kfold', folds: 3 },
    };
    const s = resolveStages(frame, recipe);
    expect(s.model.kind).toBe('mlp');
    expect(s.model.params.hiddenLayers).toEqual([8]);
    expect(s.sampler).toEqual({
      kind: 'smote',
      params: { kNeighbors: 5, samplingStrategy: 'auto' },
    });
    expect(s.validation).toMatchObject({ kind: 'kfold', folds: 3 });
    const o = resolveStages(frame, recipe, {
      model: { kind: 'logreg', params: { C: 0.5 } },
      sampler: null,
      foldColumn: 'Island',
    });
    expect(o.model.params.C).toBe(0.5);
    expect(o.sampler).toBeNull();
    expect(o.validation).toMatchObject({ kind: 'predefined', column: 'Island' });
  });

  it('refuses a model or sampler that does not fit the task, and bad settings, by name', () => {
    const frame = penguins();
    expect(
      thrown(() =>
        resolveStages(frame, recipeOf('Body Mass (g)', 'regression', []), {
          model: { kind: 'logreg' },
        }),
      ).message,
    ).toBe(
      "The model 'logreg' is for classification, but predicting 'Body Mass (g)' is regression: use 'linear' or 'mlp-regressor'.",
    );
    expect(
      thrown(() =>
        resolveStages(frame, recipeOf('Body Mass (g)', 'regression', []), {
          sampler: { kind: 'smote' },
        }),
      ).message,
    ).toMatch(/rebalances classes, but 'Body Mass \(g\)' is a regression target/);
    expect(
      thrown(() =>
        resolveStages(frame, recipeOf('Species', 'classification', []), {
          model: { kind: 'logreg', params: { C: -1 } },
        }),
      ).message,
    ).toMatch(/'C' must be above 0/);
    expect(
      thrown(() =>
        resolveStages(frame, recipeOf('Species', 'classification', []), {
          sampler: { kind: 'smote', params: { k: 3 } },
        }),
      ).message,
    ).toMatch(/no setting 'k'/);
  });

  it('the recipe’s model table matches the model registry', () => {
    expect(Object.fromEntries(listModels().map((m) => [m.kind, m.task]))).toEqual(MODEL_TASKS);
  });
});

describe('samplerHook: the registry behind crossValidate', () => {
  it('random-over / SMOTE / Tomek see training-fold rows only; the model gets what they made', async () => {
    for (const kind of ['random-over', 'smote', 'random-under', 'tomek']) {
      const frame = penguins();
      const recipe = recipeOf('Species', 'classification', STEPS, 5);
      const inner = samplerHook({ kind, params: {} });
      const seen: number[][] = [];
      const made: number[] = [];
      const spy: ResampleHook = async (prepared, target, ctx) => {
        const ids = prepared.columns.find((c) => c.name === 'rowid') as { values: Float64Array };
        seen.push(Array.from(ids.values));
        const out = await inner(prepared, target, ctx);
        made.push(('frame' in out ? out.frame : out).rows);
        return out;
      };
      const { trainer, recording } = recordingTrainer(nearestCentroid, 'rowid');
      const validation = { kind: 'stratified-kfold', folds: 4 };
      await crossValidate(frame, recipe, { trainer, validation, resample: spy });
      const column = frame.columns.find((c) => c.name === 'Species')!;
      const y = encodeTarget(column, labelMapping(column));
      const plan = makeFolds(validation, { rows: frame.rows, y }, recipe.seed);
      plan.folds.forEach((fold, f) => {
        const test = new Set(fold.test);
        expect(seen[f]).toEqual(Array.from(fold.train)); // no filter removes a row here
        // rowid was standard-scaled? No: it is not in the scale step, so ids stay exact.
        expect(recording.fitted[f]).toHaveLength(made[f]);
        if (kind === 'random-over' || kind === 'random-under' || kind === 'tomek') {
          // Copies or kept rows: every id is a training row's.
          expect(recording.fitted[f].every((i) => !test.has(i) && fold.train.includes(i))).toBe(
            true,
          );
        }
      });
      if (kind === 'random-over' || kind === 'smote') {
        // Over-sampling grew every class to the majority's count in each fold.
        for (let f = 0; f < plan.folds.length; f++) expect(made[f]).toBeGreaterThan(seen[f].length);
      }
      if (kind === 'random-under') {
        for (let f = 0; f < plan.folds.length; f++) expect(made[f]).toBeLessThan(seen[f].length);
      }
    }
  });

  it('the same recipe and seed give the same resampled rows; each fold has its own seed', async () => {
    const frame = penguins();
    const recipe = recipeOf('Species', 'classification', STEPS, 9);
    const run = async () => {
      const { trainer, recording } = recordingTrainer(nearestCentroid, 'Beak Length (mm)');
      await crossValidate(frame, recipe, {
        trainer,
        resample: samplerHook({ kind: 'smote', params: {} }),
      });
      return recording.fitted;
    };
    const a = await run();
    expect(await run()).toEqual(a);
  });

  it('class weights reach the model as per-row weights computed on the training fold', async () => {
    const frame = penguins();
    const recipe = recipeOf('Species', 'classification', STEPS, 3);
    const got: TrainingData[] = [];
    const trainer: ModelTrainer = {
      async fit(data, options) {
        got.push(data);
        return nearestCentroid.fit(data, options);
      },
    };
    const validation = { kind: 'kfold', folds: 3, shuffle: false };
    await crossValidate(frame, recipe, {
      trainer,
      validation,
      resample: samplerHook({ kind: 'class-weights', params: { weights: 'balanced' } }),
    });
    const column = frame.columns.find((c) => c.name === 'Species')!;
    const mapping = labelMapping(column);
    const y = encodeTarget(column, mapping);
    const plan = makeFolds(validation, { rows: frame.rows, y }, recipe.seed);
    expect(got).toHaveLength(3);
    got.forEach((data, f) => {
      const train = Array.from(plan.folds[f].train).filter((i) => y[i] >= 0);
      const counts = [0, 0, 0];
      for (const i of train) counts[y[i]]++;
      // Unshuffled folds of a file sorted by species: the training folds are far from balanced.
      const yTrain = data.y as Int32Array;
      expect(data.sampleWeight).toBeDefined();
      expect(data.sampleWeight).toHaveLength(data.rows);
      const present = counts.filter((n) => n > 0).length;
      for (let r = 0; r < data.rows; r++) {
        expect(data.sampleWeight![r]).toBeCloseTo(train.length / (present * counts[yTrain[r]]), 12);
      }
    });
  });
});

describe('runCrossValidation with the tfjs models (wasm)', () => {
  it('logreg on penguins: high accuracy, no tensor left behind across folds', async () => {
    const frame = penguins();
    // rowid left out: an unscaled id column only makes L-BFGS take longer.
    const recipe = {
      ...recipeOf('Species', 'classification', STEPS, 1),
      roles: { ignored: ['rowid'] },
    };
    const tensorsAtFold: number[] = [];
    const before = tf.memory().numTensors;
    const result = await runCrossValidation(tf, frame, recipe, {
      onProgress: (p) => {
        if (p.stage === 'prepare') tensorsAtFold.push(tf.memory().numTensors);
      },
    });
    expect(result.backend).toBe('wasm');
    expect(result.model.kind).toBe('logreg');
    expect(result.folds).toHaveLength(5);
    expect(result.metrics.accuracy.mean).toBeGreaterThan(0.97);
    expect(tensorsAtFold).toHaveLength(5);
    expect(new Set(tensorsAtFold).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mlp with SMOTE and class-weighted logreg also free every tensor', async () => {
    const frame = penguins();
    for (const [model, sampler] of [
      [
        { kind: 'mlp', params: { hiddenLayers: [8], epochs: 40, learningRate: 0.03 } },
        { kind: 'smote', params: {} },
      ],
      [
        { kind: 'logreg', params: {} },
        { kind: 'class-weights', params: {} },
      ],
    ] as [JsonObject, JsonObject][]) {
      const counts: number[] = [];
      const before = tf.memory().numTensors;
      const r = await runCrossValidation(
        tf,
        frame,
        {
          ...recipeOf('Species', 'classification', STEPS, 2),
          roles: { ignored: ['rowid'] },
          model,
          sampler,
        },
        {
          validation: { kind: 'stratified-kfold', folds: 3 },
          onProgress: (p) => p.stage === 'prepare' && counts.push(tf.memory().numTensors),
        },
      );
      expect(r.sampler?.kind).toBe(sampler.kind);
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      expect(r.metrics.accuracy.mean).toBeGreaterThan(0.9);
    }
  });

  it('linear regression on cars by default for a numeric target', async () => {
    const num = ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'];
    const frame = jsonFrame('cars.json', [...num, 'Miles_per_Gallon'], ['Origin']);
    const recipe = recipeOf('Miles_per_Gallon', 'regression', [
      { kind: 'rows.drop-missing-target', params: { target: 'Miles_per_Gallon' } },
      { kind: 'impute.median', params: { columns: num } },
      { kind: 'encode.onehot', params: { columns: ['Origin'] } },
      { kind: 'scale.standard', params: { columns: num } },
    ]);
    const r = await runCrossValidation(tf, frame, recipe);
    expect(r.model.kind).toBe('linear');
    expect(r.validation.kind).toBe('kfold');
    expect(r.metrics.r2.mean).toBeGreaterThan(0.6);
  });

  it('every feature dropped is a clear error before any fold', async () => {
    const frame = penguins();
    const recipe = {
      ...recipeOf('Species', 'classification', []),
      roles: { ignored: ['rowid', ...NUM, 'Island', 'Sex'] },
    };
    const e = await rejected(runCrossValidation(tf, frame, recipe));
    expect(e.message).toMatch(/^Every feature was dropped: only the target 'Species' is left/);
  });
});

describe('trainFinal', () => {
  it('fits the steps and the model on every row; predictions replay through the fitted steps', async () => {
    const frame = penguins();
    const recipe = recipeOf('Species', 'classification', STEPS, 4);
    const before = tf.memory().numTensors;
    const final = await trainFinal(tf, frame, recipe);
    try {
      expect(final.task).toBe('classification');
      expect(final.labels?.labels).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
      expect(final.features[0]).toBe('rowid');
      expect(final.features).toContain('Island=Dream');
      expect(final.fittedRows).toBe(frame.rows);
      expect(final.fitted.fitted).toHaveLength(STEPS.length);
      const prepared = applyRecipe(frame, final.fitted, { inference: true });
      const m = toMatrix(prepared, 'Species', { features: final.features });
      const p = await final.model.predict(m.X, m.rows);
      const column = frame.columns.find((c) => c.name === 'Species')!;
      const y = encodeTarget(column, final.labels!);
      let right = 0;
      for (let i = 0; i < m.rows; i++) {
        const row = Array.from(p.subarray(i * 3, i * 3 + 3));
        if (row.indexOf(Math.max(...row)) === y[i]) right++;
      }
      expect(right / m.rows).toBeGreaterThan(0.98);
    } finally {
      final.model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies the sampler (class weights reach the model; SMOTE adds rows)', async () => {
    const frame = penguins();
    const recipe = {
      ...recipeOf('Species', 'classification', STEPS, 4),
      sampler: { kind: 'smote', params: {} },
    };
    const final = await trainFinal(tf, frame, recipe);
    final.model.dispose();
    const counts = final.labels!.counts;
    expect(final.fittedRows).toBe(Math.max(...counts) * counts.length);
    expect(final.sampler?.kind).toBe('smote');
  });

  it('leaves the group column out of the features, as the folds do', async () => {
    const frame = penguins();
    const recipe = {
      ...recipeOf('Species', 'classification', STEPS.slice(0, 2), 4),
      roles: { ignored: ['Sex'] },
      validation: { kind: 'group-kfold', folds: 3, column: 'Island' },
    };
    const final = await trainFinal(tf, frame, recipe);
    final.model.dispose();
    expect(final.features).toEqual(['rowid', ...NUM]);
  });
});

describe('bad input', () => {
  it('a one-class target', async () => {
    const frame = makeFrame([
      numericColumn('x', 'number', [1, 2, 3, 4, 5, 6]),
      stringColumn('y', 'categorical', ['a', 'a', 'a', 'a', 'a', 'a']),
    ]);
    const e = await rejected(runCrossValidation(tf, frame, recipeOf('y', 'classification', [])));
    expect(e.message).toBe(
      "The target 'y' has one class only ('a', 6 rows): a classifier needs at least two. Choose another target, or add rows of another class.",
    );
  });
});
