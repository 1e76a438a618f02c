// fitModel on real data (vega-datasets penguins.json: 3 species / Gentoo-or-not; cars.json: miles
// per gallon) on the wasm backend in Node: no tensor leaks for any model or optimiser, seeded
// determinism, the objective's own identities (a weight of 2 = the row twice; balanced class
// weights = the matching sample weights; OLS residuals orthogonal to the features), progress and
// cancellation, clear errors on bad input, and a save / load round trip through stock tfjs.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { BenchtopError } from '../../src/core/errors';
import type { JsonObject } from '../../src/core/steps/types';
import {
  fitModel,
  loadModelArtifacts,
  modelTrainer,
  restoreTrainedModel,
  saveModelArtifacts,
  type EpochReport,
  type Tf,
  type TrainedModel,
  type TrainingData,
} from '../../src/core/models';
import { checkTrainingData, innerSplit } from '../../src/core/models/data';
import { nodeTf } from '../../src/core/models/node-tf';
import { createRng } from '../../src/core/rng';
import { accuracy, argmax, carsMpg, penguinGentoo, penguinSpecies, r2 } from './models-helpers';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf()).tf;
});

const species = penguinSpecies();
const gentoo = penguinGentoo();
const cars = carsMpg();

async function weightsOf(m: TrainedModel): Promise<number[]> {
  const out: number[] = [];
  for (const w of m.model.getWeights()) out.push(...(await w.data()));
  return out;
}

async function rejection(p: Promise<unknown>): Promise<BenchtopError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BenchtopError);
  return err as BenchtopError;
}

describe('no tensor leaks', () => {
  const cases: [string, JsonObject, TrainingData][] = [
    ['logreg binary (L-BFGS)', { kind: 'logreg' }, gentoo],
    ['logreg multinomial (L-BFGS)', { kind: 'logreg' }, species],
    ['logreg Adam', { kind: 'logreg', params: { optimizer: 'adam', epochs: 5 } }, species],
    [
      'logreg SGD, early stopping',
      { kind: 'logreg', params: { optimizer: 'sgd', epochs: 5, earlyStopping: true } },
      gentoo,
    ],
    ['linear', { kind: 'linear' }, cars],
    ['ridge', { kind: 'linear', params: { alpha: 1 } }, cars],
    ['mlp (early stopping)', { kind: 'mlp', params: { epochs: 5 } }, species],
    [
      'mlp tanh, dropout, SGD, no early stopping',
      {
        kind: 'mlp',
        params: {
          hiddenLayers: [8, 4],
          activation: 'tanh',
          dropout: 0.3,
          optimizer: 'sgd',
          learningRate: 0.01,
          earlyStopping: false,
          epochs: 5,
          classWeight: 'balanced',
        },
      },
      gentoo,
    ],
    ['mlp-regressor', { kind: 'mlp-regressor', params: { epochs: 5 } }, cars],
  ];
  it.each(cases)(
    '%s: numTensors is back where it started after fit, predict, dispose',
    async (_, spec, data) => {
      const before = tf.memory().numTensors;
      const m = await fitModel(tf, spec, data, { seed: 1 });
      expect(tf.memory().numTensors).toBe(before + m.model.getWeights().length);
      const p = await m.predict(data.X, data.rows);
      expect(p.length).toBe(data.rows * m.outputs);
      expect(tf.memory().numTensors).toBe(before + m.model.getWeights().length);
      m.dispose();
      m.dispose(); // twice is harmless
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('stays stable across repeated fits (as across cross-validation folds)', async () => {
    const before = tf.memory().numTensors;
    for (let fold = 0; fold < 3; fold++) {
      const m = await fitModel(tf, { kind: 'mlp', params: { epochs: 3 } }, species, { seed: fold });
      await m.predict(species.X, species.rows);
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('predictions', () => {
  it('are class probabilities, rows × classes, each row summing to 1', async () => {
    const m = await fitModel(tf, { kind: 'logreg' }, species, { seed: 0 });
    const p = await m.predict(species.X, species.rows);
    expect(m.outputs).toBe(3);
    for (let i = 0; i < species.rows; i++) {
      expect(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2]).toBeCloseTo(1, 5);
    }
    // The three species are linearly separable on these measurements but for a couple of rows.
    expect(accuracy(species.y, argmax(p, 3))).toBeGreaterThan(0.98);
    expect(m.info).toMatchObject({ converged: true, backend: 'wasm' });
    // On wasm the loss is exact float64: scipy's relative-reduction stop (ftol) may come first.
    expect(m.info.stopReason).toMatch(
      /^L-BFGS: (gradient below tol|loss change below ftol) after \d+ iterations$/,
    );
    m.dispose();
  });

  it('expand a binary sigmoid to [1 − p, p] in class order', async () => {
    const m = await fitModel(tf, { kind: 'logreg' }, gentoo, { seed: 0 });
    const p = await m.predict(gentoo.X, gentoo.rows);
    const raw = tf.tidy(
      () =>
        m.model.predict(tf.tensor2d(gentoo.X, [gentoo.rows, 4])) as ReturnType<typeof tf.tensor>,
    );
    const sig = await raw.data();
    raw.dispose();
    expect(m.outputs).toBe(2);
    for (let i = 0; i < gentoo.rows; i++) {
      expect(p[2 * i + 1]).toBeCloseTo(sig[i], 7);
      expect(p[2 * i]).toBeCloseTo(1 - sig[i], 7);
    }
    expect(accuracy(gentoo.y, argmax(p, 2))).toBe(1); // Gentoo penguins are easy to tell apart
    m.dispose();
  });

  it('reject a matrix of the wrong width with a message naming the widths', async () => {
    const m = await fitModel(tf, { kind: 'linear' }, cars, { seed: 0 });
    const err = await rejection(m.predict(new Float32Array(12), 3));
    expect(err.message).toBe(
      'The model takes 5 features per row; 12 values do not make 3 rows of 5.',
    );
    m.dispose();
    expect((await rejection(m.predict(cars.X, cars.rows))).message).toMatch(/disposed/);
  });
});

describe('seeds', () => {
  it('the same seed gives the same MLP weights; another seed other weights', async () => {
    const spec = { kind: 'mlp', params: { hiddenLayers: [16], dropout: 0.2, epochs: 4 } };
    const a = await fitModel(tf, spec, species, { seed: 7 });
    const b = await fitModel(tf, spec, species, { seed: 7 });
    const c = await fitModel(tf, spec, species, { seed: 8 });
    const [wa, wb, wc] = await Promise.all([weightsOf(a), weightsOf(b), weightsOf(c)]);
    expect(wb).toEqual(wa);
    expect(wc).not.toEqual(wa);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('the inner validation split is seeded, disjoint and stratified', () => {
    const checked = checkTrainingData(species, 'classification');
    const a = innerSplit(checked, 0.1, createRng(3));
    const b = innerSplit(checked, 0.1, createRng(3));
    expect(a).toEqual(b);
    expect(a.validation.length).toBe(Math.ceil(0.1 * species.rows));
    const all = [...a.train, ...a.validation].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: species.rows }, (_, i) => i));
    const counts = [0, 0, 0];
    for (const i of a.validation) counts[species.y[i]]++;
    checked.classCounts.forEach((n, c) => {
      expect(Math.abs(counts[c] - (n * a.validation.length) / species.rows)).toBeLessThan(1);
    });
  });
});

/** Kernel + bias of a logreg / linear model as one list. */
async function linearWeights(m: TrainedModel): Promise<number[]> {
  return weightsOf(m);
}

function maxAbsDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

describe('weights', () => {
  it('logreg: a sample weight of 2 on a row is the same objective as the row twice', async () => {
    // ½‖w‖²/C + Σ w_i logloss_i: doubling row i's weight adds exactly one more copy of its term.
    const twice = Array.from({ length: species.rows }, (_, i) => (i % 5 === 0 ? 2 : 1));
    const weighted = await fitModel(
      tf,
      { kind: 'logreg' },
      { ...species, sampleWeight: Float32Array.from(twice) },
      { seed: 0 },
    );
    const rows: number[] = [];
    twice.forEach((w, i) => {
      for (let k = 0; k < w; k++) rows.push(i);
    });
    const duplicated = await fitModel(
      tf,
      { kind: 'logreg' },
      {
        ...species,
        X: Float32Array.from(rows.flatMap((i) => [...species.X.subarray(i * 4, i * 4 + 4)])),
        y: Int32Array.from(rows, (i) => species.y[i]),
        rows: rows.length,
      },
      { seed: 0 },
    );
    const [a, b] = [await linearWeights(weighted), await linearWeights(duplicated)];
    // Both converge to the same optimum to L-BFGS's tolerance (coefficients are ~1-5 here).
    expect(maxAbsDiff(a, b)).toBeLessThan(2e-3);
    // …and a different one from the unweighted fit, so the weights are really used.
    const plain = await fitModel(tf, { kind: 'logreg' }, species, { seed: 0 });
    expect(maxAbsDiff(a, await linearWeights(plain))).toBeGreaterThan(0.05);
    [weighted, duplicated, plain].forEach((m) => m.dispose());
  });

  it("classWeight 'balanced' equals sample weights of rows / (classes × class rows)", async () => {
    const counts = [0, 0];
    for (const c of gentoo.y) counts[c]++;
    const sw = Float32Array.from(gentoo.y, (c) => gentoo.rows / (2 * counts[c]));
    const balanced = await fitModel(
      tf,
      { kind: 'logreg', params: { classWeight: 'balanced' } },
      gentoo,
      {
        seed: 0,
      },
    );
    const manual = await fitModel(
      tf,
      { kind: 'logreg' },
      { ...gentoo, sampleWeight: sw },
      { seed: 0 },
    );
    expect(maxAbsDiff(await linearWeights(balanced), await linearWeights(manual))).toBeLessThan(
      1e-4,
    );
    balanced.dispose();
    manual.dispose();
  });
});

describe('linear', () => {
  it('OLS: residuals are orthogonal to every feature and sum to zero (the normal equations)', async () => {
    const m = await fitModel(tf, { kind: 'linear' }, cars, { seed: 0 });
    const p = await m.predict(cars.X, cars.rows);
    const res = Array.from(cars.y, (y, i) => y - p[i]);
    // float32 predictions of values ~20 carry ~1e-6 relative rounding: sums of 392 rows stay < 1e-2.
    expect(Math.abs(res.reduce((a, b) => a + b, 0))).toBeLessThan(1e-2);
    for (let j = 0; j < 5; j++) {
      let dot = 0;
      for (let i = 0; i < cars.rows; i++) dot += cars.X[i * 5 + j] * res[i];
      expect(Math.abs(dot)).toBeLessThan(1e-2);
    }
    expect(r2(cars.y, p)).toBeGreaterThan(0.7); // mpg from weight, horsepower, … (R² ≈ 0.71)
    expect(m.info).toMatchObject({
      iterations: 1,
      converged: true,
      stopReason: 'closed form (Cholesky)',
    });
    m.dispose();
  });

  it('ridge shrinks the coefficients', async () => {
    const ols = await fitModel(tf, { kind: 'linear' }, cars, { seed: 0 });
    const ridge = await fitModel(tf, { kind: 'linear', params: { alpha: 50 } }, cars, { seed: 0 });
    const norm = (w: number[]) => Math.hypot(...w.slice(0, 5));
    expect(norm(await linearWeights(ridge))).toBeLessThan(norm(await linearWeights(ols)) * 0.9);
    ols.dispose();
    ridge.dispose();
  });

  it('a duplicated column gets the minimum-norm solution: the coefficient split in half', async () => {
    const X = new Float32Array(cars.rows * 6);
    for (let i = 0; i < cars.rows; i++) {
      X.set(cars.X.subarray(i * 5, i * 5 + 5), i * 6);
      X[i * 6 + 5] = cars.X[i * 5 + 3]; // Weight_in_lbs again
    }
    const once = await fitModel(tf, { kind: 'linear' }, cars, { seed: 0 });
    const dup = await fitModel(
      tf,
      { kind: 'linear' },
      { ...cars, X, cols: 6, featureNames: [...cars.featureNames!, 'Weight again'] },
      { seed: 0 },
    );
    const [w1, w2] = [await linearWeights(once), await linearWeights(dup)];
    expect(dup.info.stopReason).toMatch(/pseudo-inverse \(1 collinear direction dropped/);
    expect(w2[3]).toBeCloseTo(w1[3] / 2, 3);
    expect(w2[5]).toBeCloseTo(w1[3] / 2, 3);
    const [p1, p2] = [await once.predict(cars.X, cars.rows), await dup.predict(X, cars.rows)];
    for (let i = 0; i < cars.rows; i++) expect(p2[i]).toBeCloseTo(p1[i], 3);
    once.dispose();
    dup.dispose();
  });
});

describe('progress and cancellation', () => {
  it('L-BFGS reports each iteration; the curve ends at the final loss', async () => {
    const seen: EpochReport[] = [];
    const m = await fitModel(tf, { kind: 'logreg' }, species, {
      seed: 0,
      onEpoch: (r) => seen.push(r),
    });
    expect(seen.map((r) => r.epoch)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.length).toBe(m.info.iterations);
    expect(seen.map((r) => r.loss)).toEqual(m.info.lossCurve);
    expect(seen[seen.length - 1].loss).toBe(m.info.finalLoss);
    expect(seen[seen.length - 1].loss).toBeLessThan(seen[0].loss);
    m.dispose();
  });

  it('early stopping reports the validation loss and stops before the epoch limit', async () => {
    const seen: EpochReport[] = [];
    const m = await fitModel(tf, { kind: 'mlp', params: { epochs: 500 } }, gentoo, {
      seed: 0,
      onEpoch: (r) => seen.push(r),
    });
    expect(seen.every((r) => typeof r.valLoss === 'number' && r.valLoss >= 0)).toBe(true);
    expect(m.info.valLossCurve).toEqual(seen.map((r) => r.valLoss));
    expect(m.info.converged).toBe(true);
    expect(m.info.iterations).toBeLessThan(500);
    expect(m.info.stopReason).toMatch(/validation loss did not improve/);
    m.dispose();
  });

  it.each([
    ['logreg', { kind: 'logreg' }, species],
    ['mlp', { kind: 'mlp' }, species],
    ['linear', { kind: 'linear' }, cars],
  ] as const)(
    '%s: isCancelled stops the fit with a cancelled error and leaks nothing',
    async (_, spec, data) => {
      const before = tf.memory().numTensors;
      let epochs = 0;
      const err = await rejection(
        fitModel(tf, spec, data, {
          seed: 0,
          onEpoch: () => epochs++,
          isCancelled: () => spec.kind === 'linear' || epochs >= 3,
        }),
      );
      expect(err.code).toBe('cancelled');
      expect(err.message).toBe('Training was cancelled. Nothing was stored.');
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

describe('cancellation from another task', () => {
  // In a worker, a cancel request is a message: it is only seen if the fit lets other tasks run.
  // Here a timer plays that message; without the fit yielding, it would fire after the fit ended.
  it.each([
    ['mlp', { kind: 'mlp', params: { earlyStopping: false, epochs: 2000, tol: 0 } }],
    [
      'logreg Adam',
      { kind: 'logreg', params: { optimizer: 'adam', epochs: 5000, patience: 5000 } },
    ],
  ] as [string, JsonObject][])('%s: a flag set by a timer stops the fit', async (_, spec) => {
    const before = tf.memory().numTensors;
    let cancel = false;
    const timer = setTimeout(() => (cancel = true), 20);
    let epochs = 0;
    const err = await rejection(
      fitModel(tf, spec, species, {
        seed: 0,
        onEpoch: () => epochs++,
        isCancelled: () => cancel,
      }),
    );
    clearTimeout(timer);
    expect(err.code).toBe('cancelled');
    expect(epochs).toBeLessThan(1000);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bad input', () => {
  it('a target with one class', async () => {
    const err = await rejection(
      fitModel(tf, { kind: 'logreg' }, { ...gentoo, y: new Int32Array(gentoo.rows) }, { seed: 0 }),
    );
    expect(err.message).toBe(
      `The target 'Gentoo' has only one class ('other', ${gentoo.rows} rows) in the training rows; a classifier needs at least two. Check the target column, or use a stratified split so every fold sees each class.`,
    );
  });

  it('missing values reaching the model name the column, the count and the step to add', async () => {
    const raw = carsMpg(true);
    const err = await rejection(fitModel(tf, { kind: 'linear' }, raw, { seed: 0 }));
    expect(err.message).toBe(
      "Column 'Horsepower' still has 6 missing values when it reaches the model. Add an impute step for it (e.g. 'impute.median' or 'impute.mean') to the recipe, or drop those rows ('rows.drop-missing').",
    );
    expect(err.details).toMatchObject({ column: 'Horsepower', count: 6 });
  });

  it('no feature columns, a missing regression target, bad weights, too few rows to hold out', async () => {
    expect(
      (
        await rejection(
          fitModel(
            tf,
            { kind: 'linear' },
            { ...cars, X: new Float32Array(0), cols: 0 },
            { seed: 0 },
          ),
        )
      ).message,
    ).toMatch(/^No feature columns reach the model/);
    const y = Float64Array.from(cars.y);
    y[10] = NaN;
    expect(
      (await rejection(fitModel(tf, { kind: 'linear' }, { ...cars, y }, { seed: 0 }))).message,
    ).toBe(
      "The target 'Miles_per_Gallon' has 1 missing or infinite value. Drop those rows first (the 'rows.drop-missing-target' step).",
    );
    const sw = new Float32Array(cars.rows).fill(1);
    sw[4] = -1;
    expect(
      (
        await rejection(
          fitModel(tf, { kind: 'linear' }, { ...cars, sampleWeight: sw }, { seed: 0 }),
        )
      ).message,
    ).toMatch(/^Sample weight -1 on row 5 is not a finite number ≥ 0/);
    const tiny = { ...gentoo, X: gentoo.X.subarray(0, 8), rows: 2, y: Int32Array.of(0, 1) };
    expect(
      (
        await rejection(
          fitModel(tf, { kind: 'mlp', params: { validationFraction: 0.6 } }, tiny, { seed: 0 }),
        )
      ).message,
    ).toMatch(/^Early stopping holds out 60% of 2 rows, which leaves nothing to train on/);
    expect(
      (
        await rejection(
          fitModel(
            tf,
            { kind: 'mlp' },
            { ...species, y: Float64Array.from(species.y) },
            { seed: 0 },
          ),
        )
      ).message,
    ).toMatch(/class indices/);
  });

  it('a bad spec fails before any data is touched', async () => {
    const err = await rejection(
      fitModel(tf, { kind: 'logreg', params: { C: -1 } }, species, { seed: 0 }),
    );
    expect(err.message).toMatch(/'C' must be above 0/);
    expect(() => modelTrainer(tf, { kind: 'nope' })).toThrow(BenchtopError);
  });
});

describe('saving and loading', () => {
  it.each([
    ['logreg multinomial', { kind: 'logreg' }, species],
    [
      'mlp with dropout',
      { kind: 'mlp', params: { hiddenLayers: [12, 6], dropout: 0.2, epochs: 5 } },
      gentoo,
    ],
    ['mlp-regressor', { kind: 'mlp-regressor', params: { epochs: 5 } }, cars],
  ] as [string, JsonObject, TrainingData][])(
    '%s: model.json + weights round-trip to identical predictions',
    async (_, spec, data) => {
      const before = tf.memory().numTensors;
      const m = await fitModel(tf, spec, data, { seed: 2 });
      const artifacts = await saveModelArtifacts(tf, m.model);
      // As files and across postMessage: model.json as text, the weights as bytes.
      const json = JSON.parse(JSON.stringify(artifacts.modelJson));
      expect(json).toMatchObject({
        format: 'layers-model',
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      });
      const copy = structuredClone({ ...artifacts, modelJson: json });
      const restored = await restoreTrainedModel(tf, m.spec, copy);
      const [p1, p2] = [
        await m.predict(data.X, data.rows),
        await restored.predict(data.X, data.rows),
      ];
      expect(Array.from(p2)).toEqual(Array.from(p1));
      // Plain tfjs reads the same artifacts (what a bundle consumer does).
      const plain = await tfl.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: artifacts.weightData,
        }),
      );
      const out = tf.tidy(
        () =>
          plain.predict(tf.tensor2d(data.X, [data.rows, data.cols])) as ReturnType<
            typeof tf.tensor
          >,
      );
      const raw = await out.data();
      out.dispose();
      if (m.task === 'regression') expect(Array.from(raw)).toEqual(Array.from(p1));
      else expect(raw[0]).toBeCloseTo(m.outputs === 2 ? p1[1] : p1[0], 7);
      [m, restored].forEach((x) => x.dispose());
      plain.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('refuses artifacts that are not a model, with a BenchtopError', async () => {
    const err = await rejection(
      loadModelArtifacts(tf, {
        modelJson: { modelTopology: {} },
        weightSpecs: [],
        weightData: new ArrayBuffer(0),
      }),
    );
    expect(err.message).toMatch(/^Could not load the model/);
  });
});

describe('modelTrainer (the cross-validation plug-in)', () => {
  it('checks the spec once and fits like fitModel', async () => {
    const trainer = modelTrainer(tf, { kind: 'logreg', params: { C: 0.5 } });
    expect(trainer.task).toBe('classification');
    expect(trainer.spec.params.C).toBe(0.5);
    const viaTrainer = await trainer.fit(species, { seed: 0 });
    const direct = await fitModel(tf, trainer.spec, species, { seed: 0 });
    expect(await weightsOf(viaTrainer)).toEqual(await weightsOf(direct));
    viaTrainer.dispose();
    direct.dispose();
  });
});
