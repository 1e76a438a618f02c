// The train worker's API (cross-validation stored as runs, final models, backend switch, cancel),
// one test body over two transports: in-process, and through comlink over a MessageChannel (which
// catches anything that is not cloneable: runs with typed arrays, errors, progress callbacks).
// Storage is the real Dexie stores on fake-indexeddb; tfjs is tfjs-core on the wasm backend in
// Node (src/core/models/node-tf.ts); data are vega-datasets files imported through the data API.
//
// Golden scores: scikit-learn 1.2.1, tests/fixtures/golden/sklearn_train.py → sklearn-train.json
// (LogisticRegression(C=1) after median imputation + standard scaling of the numbers and the
// date's parts, under StratifiedKFold(5) without shuffling: the same folds as Benchtop's
// stratified-kfold with shuffle: false). The issue's bar: accuracy within 1.5 points and ROC-AUC
// within 0.01 of scikit-learn's on identical folds.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import * as tfl from '@tensorflow/tfjs-layers';
import { tableFromIPC } from 'apache-arrow';
import { createDataApi, type DatasetMeta } from '../../src/core/api/data-api';
import {
  createTrainApi,
  thin,
  type EpochBatch,
  type FinalProgress,
  type TrainApi,
  type TrainProgress,
} from '../../src/core/api/train-api';
import { frameFromTable, findColumn } from '../../src/core/data/frame';
import { blobSource } from '../../src/core/ingest/blob-source';
import { toMatrix, trainFinal } from '../../src/core/evaluate';
import { nodeTf } from '../../src/core/models/node-tf';
import { saveModelArtifacts, type Tf } from '../../src/core/models';
import { applySteps } from '../../src/core/steps';
import { autoRecipe, recipeInput, type Recipe } from '../../src/core/recipe';
import type { ActiveBackend } from '../../src/core/backend';
import { createDexieDatasetStore, openBenchtopDb, type BenchtopDB } from '../../src/db';
import { createDexieModelStore, getModelBytes, listModels } from '../../src/db/models';
import { createDexieRunStore, listRuns } from '../../src/db/runs';
import { expectUserError, inProcess, overComlink, rejection, type Transport } from './transports';

const DATA = 'node_modules/vega-datasets/data/';
const WEATHER = readFileSync(DATA + 'seattle-weather.csv');
const golden = JSON.parse(readFileSync('tests/fixtures/golden/sklearn-train.json', 'utf8')) as {
  source: string;
  classes: string[];
  unshuffled: { accuracy: number; roc_auc: number; log_loss: number }[];
};

/** penguins.json as CSV: the measurements, Island, and Sex (binary; 11 rows missing it). */
function penguinsCsv(): string {
  const rows = JSON.parse(readFileSync(DATA + 'penguins.json', 'utf8')) as Record<
    string,
    string | number | null
  >[];
  const cols = [
    'Island',
    'Beak Length (mm)',
    'Beak Depth (mm)',
    'Flipper Length (mm)',
    'Body Mass (g)',
    'Sex',
  ];
  const cell = (v: string | number | null) => (v === null || v === '.' ? '' : String(v));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n');
}

/** cars.json as CSV: miles per gallon from the engine figures and the origin. */
function carsCsv(): string {
  const rows = JSON.parse(readFileSync(DATA + 'cars.json', 'utf8')) as Record<
    string,
    string | number | null
  >[];
  const cols = [
    'Cylinders',
    'Displacement',
    'Horsepower',
    'Weight_in_lbs',
    'Acceleration',
    'Origin',
    'Miles_per_Gallon',
  ];
  const cell = (v: string | number | null) => (v === null ? '' : String(v));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n');
}

const NO_GPU = {
  webgpu: { available: false, isFallbackAdapter: false },
  wasm: true,
  webgl: false,
  isolated: false,
};

let tf: Tf;
let wasm: ActiveBackend;
beforeAll(async () => {
  ({ tf, backend: wasm } = await nodeTf());
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

for (const make of [inProcess, overComlink]) {
  describe(`train API (${make.name})`, () => {
    let db: BenchtopDB;
    let t: Transport<TrainApi>;
    let weather: DatasetMeta;
    let penguins: DatasetMeta;
    let cars: DatasetMeta;
    let ids = 0;
    let weatherRecipe: Recipe;

    beforeEach(async () => {
      db = openBenchtopDb(`train-${make.name}`, { indexedDB: new IDBFactory(), IDBKeyRange });
      const store = createDexieDatasetStore(db);
      const data = createDataApi({
        store,
        now: () => 1_700_000_000_000,
        newId: () => `ds-${++ids}`,
      });
      const load = (text: string | Uint8Array<ArrayBuffer>, name: string) =>
        data.importData('import', blobSource(new Blob([text]), name));
      weather = await load(new Uint8Array(WEATHER), 'seattle-weather.csv');
      penguins = await load(penguinsCsv(), 'penguins.csv');
      cars = await load(carsCsv(), 'cars.csv');
      weatherRecipe = autoRecipe(weather.schema, weather.profile, 'weather', { name: 'Auto' });
      await tf.setBackend('wasm');
      t = make(
        createTrainApi({
          datasets: store,
          runs: createDexieRunStore(db),
          models: createDexieModelStore(db),
          tf,
          detected: NO_GPU,
          active: wasm,
          now: () => 1_700_000_000_000 + ids,
          newId: () => `id-${++ids}`,
        }),
      );
    });
    afterEach(() => {
      t.close();
      db.close();
    });

    it('cross-validates logistic regression on seattle-weather fold by fold as scikit-learn, and stores the run', async () => {
      const before = (await t.api.memory()).numTensors;
      const progress: TrainProgress[] = [];
      const epochs: EpochBatch[] = [];
      const run = await t.api.crossValidate(
        'cv1',
        weather.id,
        weatherRecipe,
        { validation: { kind: 'stratified-kfold', folds: 5, shuffle: false } },
        t.callback((p: TrainProgress) => void progress.push(p)),
        t.callback((b: EpochBatch) => void epochs.push(b)),
      );
      expect((await t.api.memory()).numTensors).toBe(before);

      // Against scikit-learn on identical folds (the issue's bar).
      expect(run.labels?.labels).toEqual(golden.classes);
      expect(run.folds).toHaveLength(5);
      run.folds.forEach((f, i) => {
        expect(Math.abs(f.metrics.accuracy - golden.unshuffled[i].accuracy)).toBeLessThan(0.015);
        expect(Math.abs(f.metrics.roc_auc - golden.unshuffled[i].roc_auc)).toBeLessThan(0.01);
        expect(Math.abs(f.metrics.log_loss - golden.unshuffled[i].log_loss)).toBeLessThan(0.02);
        // (L-BFGS may end "at float32 precision" rather than under tol: the scores above still
        // match scikit-learn's, which is what matters.)
        expect(f.iterations).toBeGreaterThan(5);
        expect(f.stopReason).not.toBe('');
        expect(f.lossCurve.length).toBe(f.iterations);
      });
      const mean = golden.unshuffled.reduce((s, f) => s + f.accuracy, 0) / 5;
      expect(Math.abs(run.metrics.accuracy.mean - mean)).toBeLessThan(0.01);

      // The summary is consistent with itself.
      const foldMean = run.folds.reduce((s, f) => s + f.metrics.accuracy, 0) / 5;
      expect(run.metrics.accuracy.mean).toBeCloseTo(foldMean, 12);
      expect(run.metrics.accuracy.std).toBeGreaterThan(0);
      expect(run.task).toBe('classification');
      expect(run.model).toMatchObject({ kind: 'logreg', params: { C: 1 } });
      expect(run.modelTitle).toBe('Logistic regression');
      expect(run.recipeName).toBe('Auto');
      expect(run.recipe.model).toMatchObject({ kind: 'logreg' });
      expect(run.validation).toMatchObject({ kind: 'stratified-kfold', folds: 5, shuffle: false });
      expect(run.backend.name).toBe('wasm');
      expect(run.seed).toBe(weatherRecipe.seed);
      expect(run.datasetSha256).toBe(weather.source.sha256);
      const cells = run.confusion!.flat().reduce((s, n) => s + n, 0);
      expect(cells).toBe(weather.rows);
      expect(run.confusion!.map((r) => r.reduce((s, n) => s + n, 0))).toEqual(run.labels!.counts);
      expect(run.curves.map((c) => c.label)).toEqual(golden.classes);
      for (const c of run.curves) {
        expect(c.roc.x).toHaveLength(101);
        expect(c.roc.y[0]).toBe(0);
        expect(c.roc.y[100]).toBe(1);
      }
      expect(run.foldCurves.length).toBe(25); // 5 folds × 5 one-vs-rest classes
      expect(run.foldCurves.every((c) => c.roc.x.length <= 200 && c.roc.x.length > 2)).toBe(true);
      expect(run.outOfFold).toBeNull(); // multiclass: no threshold chooser
      expect(run.timings.seconds).toBeGreaterThan(0);
      expect(Object.keys(run.timings.stages).sort()).toEqual([
        'prepare',
        'score',
        'split',
        'train',
      ]);

      // Progress: every fold went through prepare, train and score, then the run was stored.
      for (let fold = 1; fold <= 5; fold++) {
        const stages = progress.filter((p) => p.fold === fold).map((p) => p.stage);
        expect(stages).toEqual(expect.arrayContaining(['prepare', 'train', 'score']));
      }
      expect(progress.at(-1)).toEqual({ stage: 'store', fold: 5, folds: 5 });
      // Loss points arrive batched, every point of every fold, in order.
      for (let fold = 1; fold <= 5; fold++) {
        const points = epochs.filter((b) => b.fold === fold).flatMap((b) => b.points);
        expect(points.map((p) => p.epoch)).toEqual(
          Array.from({ length: run.folds[fold - 1].iterations }, (_, i) => i + 1),
        );
        expect(points.map((p) => p.loss)).toEqual(run.folds[fold - 1].lossCurve);
      }

      // Stored as returned, cloneable, listed newest first, deletable.
      expect(structuredClone(run)).toEqual(run);
      const stored = await listRuns(db, weather.id);
      expect(stored).toEqual([run]);
      expect(await t.api.listRuns(weather.id)).toEqual([run]);
      await t.api.deleteRun(run.id);
      expect(await t.api.listRuns(weather.id)).toEqual([]);
    });

    it('binary task: minority class positive, threshold chooser data, class weights and SMOTE', async () => {
      const recipe = autoRecipe(penguins.schema, penguins.profile, 'Sex', { name: 'Sex' });
      const plainRun = await t.api.crossValidate('b1', penguins.id, recipe);
      const counts = plainRun.labels!.counts;
      // FEMALE 165, MALE 168: the minority is FEMALE, scored as positive.
      expect(plainRun.labels!.labels).toEqual(['FEMALE', 'MALE']);
      expect(counts).toEqual([165, 168]);
      expect(plainRun.positive).toBe('FEMALE');
      expect(plainRun.validation).toMatchObject({ kind: 'stratified-kfold', shuffle: true });
      expect(plainRun.metrics.accuracy.mean).toBeGreaterThan(0.85);
      const oof = plainRun.outOfFold!;
      expect(oof.kind).toBe('binary');
      if (oof.kind !== 'binary') throw new Error('binary');
      expect(oof.rows).toBe(333);
      expect(oof.truth.reduce((s, v) => s + v, 0)).toBe(165);
      // The F1-best threshold is at least as good as 0.5 on the same pooled predictions.
      expect(oof.best.f1.value).toBeGreaterThanOrEqual(plainRun.pooled.f1 - 1e-12);
      expect(oof.best.youden.value).toBeGreaterThan(0.6);
      expect(plainRun.foldCurves.every((c) => c.class === 0)).toBe(true);

      const positive = await t.api.crossValidate('b2', penguins.id, recipe, { positive: 'MALE' });
      expect(positive.positive).toBe('MALE');
      // Same folds and models, so the same accuracy; recall is now MALE's.
      expect(positive.metrics.accuracy.mean).toBeCloseTo(plainRun.metrics.accuracy.mean, 12);

      const weighted = await t.api.crossValidate('b3', penguins.id, recipe, {
        sampler: { kind: 'class-weights', params: { weights: { MALE: 3 } } },
      });
      expect(weighted.sampler).toEqual({ kind: 'class-weights', params: { weights: { MALE: 3 } } });
      // MALE weighted 3×: more rows predicted MALE (column 1 of the summed confusion matrix).
      const predictedMale = (r: typeof weighted) => r.confusion![0][1] + r.confusion![1][1];
      expect(predictedMale(weighted)).toBeGreaterThan(predictedMale(plainRun));

      const smote = await t.api.crossValidate('b4', penguins.id, recipe, {
        sampler: { kind: 'smote', params: {} },
      });
      // SMOTE grows FEMALE up to MALE's count in every training fold.
      for (const f of smote.folds) expect(f.fittedRows).toBeGreaterThan(f.trainRows - 11);
      expect(smote.timings.stages.resample).toBeGreaterThanOrEqual(0);
      expect((await t.api.listRuns(penguins.id)).map((r) => r.id)).toEqual(
        [smote, weighted, positive, plainRun].map((r) => r.id),
      );
    });

    it('regression: linear regression on cars with residuals, and model / task mismatches refused', async () => {
      const recipe = autoRecipe(cars.schema, cars.profile, 'Miles_per_Gallon', { name: 'mpg' });
      const run = await t.api.crossValidate('r1', cars.id, recipe);
      expect(run.task).toBe('regression');
      expect(run.model.kind).toBe('linear');
      expect(run.validation.kind).toBe('kfold');
      // scikit-learn's LinearRegression after the same preparation (median + standard scaling,
      // one-hot Origin) under KFold(5, shuffle=True, random_state=s): mean R² 0.698-0.712 for
      // s = 0..4 (scikit-learn 1.2.1, computed once with /usr/bin/python3). Other shuffles, same
      // model: a couple of points either way.
      expect(run.metrics.r2.mean).toBeGreaterThan(0.68);
      expect(run.metrics.r2.mean).toBeLessThan(0.74);
      const oof = run.outOfFold!;
      if (oof.kind !== 'regression') throw new Error('regression');
      expect(oof.rows).toBe(406 - 8); // 8 cars have no MPG: never scored
      expect(oof.actual.length).toBe(oof.predicted.length);
      let sse = 0;
      oof.actual.forEach((a, i) => (sse += (a - oof.predicted[i]) ** 2));
      expect(sse / oof.rows).toBeCloseTo(run.pooled.mse, 3);
      expect(run.confusion).toBeNull();

      expectUserError(
        await rejection(t.api.crossValidate('r2', cars.id, recipe, { model: { kind: 'logreg' } })),
        'invalid-argument',
        /Logistic regression is a classification model, but this recipe's task is regression/,
      );
      expectUserError(
        await rejection(
          t.api.crossValidate('r3', cars.id, recipe, { sampler: { kind: 'smote', params: {} } }),
        ),
        'invalid-argument',
        /rebalances classes.*regression/,
      );
      expectUserError(
        await rejection(
          t.api.crossValidate('r4', weather.id, weatherRecipe, {
            model: { kind: 'logreg', params: { C: -1 } },
          }),
        ),
        'invalid-argument',
        /'C' must be above 0/,
      );
      expectUserError(
        await rejection(t.api.crossValidate('r5', weather.id, { ...weatherRecipe, target: null })),
        'invalid-argument',
        /Choose a target column/,
      );
      expectUserError(
        await rejection(t.api.crossValidate('r6', 'gone', weatherRecipe)),
        'not-found',
        /is not in this browser's storage any more/,
      );
      // Failures store nothing.
      expect((await t.api.listRuns(cars.id)).map((r) => r.id)).toEqual([run.id]);
    });

    it('a cancelled run stores nothing, frees its tensors, and the next run works', async () => {
      const before = (await t.api.memory()).numTensors;
      const seen: TrainProgress[] = [];
      const err = await rejection(
        t.api.crossValidate(
          'c1',
          weather.id,
          weatherRecipe,
          {},
          t.callback((p: TrainProgress) => {
            seen.push(p);
            if (p.stage === 'train' && p.fold === 2) void t.api.cancel('c1');
          }),
        ),
      );
      expectUserError(
        err,
        'cancelled',
        /^The cross-validation was cancelled\. Nothing was stored\.$/,
      );
      expect(seen.some((p) => p.fold === 2)).toBe(true);
      expect(seen.some((p) => p.fold === 4)).toBe(false);
      expect(await t.api.listRuns(weather.id)).toEqual([]);
      expect((await t.api.memory()).numTensors).toBe(before);

      // The same job id is usable again (the cancel mark is cleared), and the run completes.
      const run = await t.api.crossValidate('c1', weather.id, weatherRecipe, {
        validation: { kind: 'stratified-kfold', folds: 3 },
      });
      expect(run.folds).toHaveLength(3);
      expect((await t.api.listRuns(weather.id)).map((r) => r.id)).toEqual([run.id]);
      expect((await t.api.memory()).numTensors).toBe(before);
    });

    it('switches backends on request and says which is active and why', async () => {
      const info = await t.api.backendInfo();
      expect(info.active).toMatchObject({ name: 'wasm' });
      expect(info.override).toBe('auto');
      expect(info.plan.skipped).toContainEqual({ name: 'webgpu', reason: 'no WebGPU adapter' });
      expect(info.choices).toEqual(['auto', 'webgpu', 'wasm', 'webgl', 'cpu']);

      const cpu = await t.api.setBackend('cpu');
      expect(cpu.active).toEqual({ name: 'cpu', reason: 'chosen by you' });
      expect(tf.getBackend()).toBe('cpu');
      const recipe = autoRecipe(penguins.schema, penguins.profile, 'Sex');
      const run = await t.api.crossValidate('k1', penguins.id, recipe, {
        validation: { kind: 'stratified-kfold', folds: 2 },
      });
      expect(run.backend.name).toBe('cpu');

      // webgl is not registered in Node: the override falls back along the automatic order.
      const webgl = await t.api.setBackend('webgl');
      expect(webgl.active.name).toBe('wasm');
      expect(webgl.active.reason).toMatch(/webgl could not start/);
      expect(webgl.failed.map((f) => f.name)).toEqual(['webgl']);

      const auto = await t.api.setBackend('auto');
      expect(auto.active.name).toBe('wasm');
      expectUserError(
        await rejection(t.api.setBackend('tpu' as 'cpu')),
        'invalid-argument',
        /There is no compute backend 'tpu'/,
      );
    });

    it('trains the final model on every row and stores plain tfjs artifacts with their lineage', async () => {
      const before = (await t.api.memory()).numTensors;
      const phases: FinalProgress[] = [];
      const model = await t.api.trainFinal(
        'f1',
        weather.id,
        weatherRecipe,
        t.callback((p: FinalProgress) => void phases.push(p)),
        { runId: 'run-7' },
      );
      expect((await t.api.memory()).numTensors).toBe(before);
      expect([...new Set(phases.map((p) => p.phase))]).toEqual([
        'loading',
        'preparing',
        'training',
        'saving',
        'storing',
      ]);
      const points = phases.flatMap((p) => p.points ?? []);
      expect(points.map((p) => p.loss)).toEqual(model.info.lossCurve);
      expect(model).toMatchObject({
        datasetId: weather.id,
        datasetSha256: weather.source.sha256,
        runId: 'run-7',
        target: 'weather',
        task: 'classification',
        trainRows: weather.rows,
        backend: { name: 'wasm' },
      });
      expect(model.labels?.labels).toEqual(golden.classes);
      expect(model.fittedSteps.map((s) => s.spec.kind)).toEqual(
        weatherRecipe.steps.map((s) => s.kind),
      );
      expect(structuredClone(model)).toEqual(model);
      expect(await listModels(db, weather.id)).toEqual([model]);
      expect(await t.api.listModels(weather.id)).toEqual([model]);

      // The stored model.json + weight bytes load with plain tfjs and predict the training rows
      // after the stored fitted steps as well as a converged logistic regression should.
      const bytes = (await getModelBytes(db, model.id))!;
      expect(bytes.byteLength).toBe(model.weightBytes);
      const json = model.modelJson as { modelTopology: object; weightsManifest: unknown[] };
      expect(json.weightsManifest).toEqual([
        { paths: ['weights.bin'], weights: model.weightSpecs },
      ]);
      const loaded = await tfl.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: model.weightSpecs as never,
          weightData: bytes.slice().buffer,
        }),
      );
      const frame = frameFromTable(
        tableFromIPC((await db.datasetBytes.get(weather.id))!.bytes),
        weather.schema,
      );
      const prepared = applySteps(recipeInput(frame, model.recipe), model.fittedSteps, {
        inference: true,
      });
      const m = toMatrix(prepared, 'weather', { features: model.features });
      const out = tf.tidy(() => loaded.predict(tf.tensor2d(m.X, [m.rows, m.cols])) as never);
      const proba = (await (out as { data(): Promise<Float32Array> }).data()) as Float32Array;
      (out as { dispose(): void }).dispose();
      loaded.dispose();
      const target = findColumn(frame, 'weather') as { codes: Int32Array; categories: string[] };
      let right = 0;
      for (let i = 0; i < m.rows; i++) {
        const row = proba.subarray(i * 5, i * 5 + 5);
        const best = row.indexOf(Math.max(...row));
        if (golden.classes[best] === target.categories[target.codes[i]]) right++;
      }
      expect(right / m.rows).toBeGreaterThan(0.8);

      // The same final fit as `benchtop train` (src/core/evaluate/run.ts trainFinal): same seeds,
      // same features, so the browser and the CLI store identical weights for one recipe.
      const cli = await trainFinal(tf, frame, model.recipe);
      const cliArtifacts = await saveModelArtifacts(tf, cli.model.model);
      cli.model.dispose();
      expect(cli.features).toEqual(model.features);
      expect(new Uint8Array(cliArtifacts.weightData)).toEqual(new Uint8Array(bytes));
      expect(tf.memory().numTensors).toBe(before);

      await t.api.deleteModel(model.id);
      expect(await t.api.listModels(weather.id)).toEqual([]);
      expect(await getModelBytes(db, model.id)).toBeUndefined();
    });

    it('a cancelled final training stores nothing', async () => {
      const before = (await t.api.memory()).numTensors;
      const err = await rejection(
        t.api.trainFinal(
          'f2',
          weather.id,
          weatherRecipe,
          t.callback((p: FinalProgress) => {
            if (p.phase === 'preparing') void t.api.cancel('f2');
          }),
        ),
      );
      expectUserError(err, 'cancelled', /^Training the final model was cancelled/);
      expect(await t.api.listModels(weather.id)).toEqual([]);
      expect(await db.modelBytes.count()).toBe(0);
      expect((await t.api.memory()).numTensors).toBe(before);
    });

    it('offers the models, samplers and validation kinds as plain data', async () => {
      const catalog = await t.api.catalog();
      expect(catalog.models.map((m) => m.kind)).toEqual([
        'logreg',
        'linear',
        'mlp',
        'mlp-regressor',
      ]);
      expect(catalog.models[0].params.C).toMatchObject({ type: 'number' });
      expect(catalog.samplers.map((s) => s.kind)).toContain('smote');
      expect(catalog.validations).toContain('repeated-stratified-kfold');
    });
  });
}

describe('thin', () => {
  it('keeps short curves whole and both ends of long ones', () => {
    expect(thin([0, 0.5, 1], [0, 0.7, 1])).toEqual({ x: [0, 0.5, 1], y: [0, 0.7, 1] });
    const x = Array.from({ length: 1001 }, (_, i) => i / 1000);
    const c = thin(x, x, 200);
    expect(c.x).toHaveLength(200);
    expect(c.x[0]).toBe(0);
    expect(c.x.at(-1)).toBe(1);
    expect(c.x.every((v, i) => i === 0 || v > c.x[i - 1])).toBe(true);
  });
});
