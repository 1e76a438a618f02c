// The bundle API of the train worker (issue 6), one test body over two transports: in-process, and
// through comlink over a MessageChannel with Comlink.transfer (which catches anything that is not
// cloneable: records with manifests, errors, progress callbacks, transferred bytes). Storage is the
// real Dexie stores on fake-indexeddb (schema version 4); tfjs is tfjs-core on wasm in Node. The
// model is trained once by the train API on vega-datasets' seattle-weather with the auto-prepare
// recipe (target weather), as the Train tab does: 3-fold CV, then the final model from that run.
//
// What is asserted: an exported bundle reads back with core's readBundle (CV metrics of the run,
// the dataset's sha256, the signature made with the stored key); batch predictions through an
// imported bundle equal the stored model's own predictions (max abs difference <= 1e-5 unquantized;
// the bar) and the one-row form gives the same as the batch; uint8 weights are >= 3.5x
// smaller and agree with float32 on >= 99% of rows; bad bundles (not a zip, not a bundle,
// truncated, a flipped byte in weights.bin, a newer format) fail with the core's messages and
// store nothing; missing / extra / wrongly typed columns are reported by name.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import * as Comlink from 'comlink';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { tableFromIPC } from 'apache-arrow';
import { createDataApi, type DatasetMeta } from '../../src/core/api/data-api';
import { createTrainApi, type ModelRecord, type RunRecord } from '../../src/core/api/train-api';
import {
  bundleFileName,
  createBundleApi,
  type BundleApi,
  type PredictProgress,
} from '../../src/core/api/bundle-api';
import { readBundle } from '../../src/core/bundle';
import { frameFromTable, isNumericColumn, type Frame } from '../../src/core/data/frame';
import { toMatrix } from '../../src/core/evaluate';
import { blobSource, bytesSource, ingest } from '../../src/core/ingest';
import { nodeTf } from '../../src/core/models/node-tf';
import { restoreTrainedModel, type ModelArtifacts, type Tf } from '../../src/core/models';
import { autoRecipe } from '../../src/core/recipe';
import { applySteps } from '../../src/core/steps';
import { createDexieDatasetStore, openBenchtopDb, type BenchtopDB } from '../../src/db';
import {
  createDexieBundleStore,
  createDexieKeyStore,
  createDexieModelSource,
  listBundles,
} from '../../src/db/bundles';
import { frameCache } from '../../src/core/api/stored-dataset';
import { createDexieModelStore, getModelBytes } from '../../src/db/models';
import { createDexieRunStore } from '../../src/db/runs';
import { expectUserError, inProcess, overComlink, rejection, type Transport } from './transports';

const WEATHER = readFileSync('node_modules/vega-datasets/data/seattle-weather.csv');
const NO_GPU = {
  webgpu: { available: false, isFallbackAdapter: false },
  wasm: true,
  webgl: false,
  isolated: false,
};

let tf: Tf;
let db: BenchtopDB;
let weather: DatasetMeta;
let noWind: DatasetMeta;
let badTemp: DatasetMeta;
let model: ModelRecord;
let run: RunRecord;
/** The stored model's own probabilities on every row of seattle-weather (rows x 5). */
let expected: Float64Array;
let ids = 0;

async function csvFrame(bytes: Uint8Array): Promise<Frame> {
  const r = await ingest(bytesSource('predictions.csv', bytes));
  return frameFromTable(r.table, r.schema);
}

function numbers(frame: Frame, name: string): Float64Array {
  const c = frame.columns.find((x) => x.name === name);
  if (!c || !isNumericColumn(c)) throw new Error(`no numeric column ${name}`);
  return c.values;
}

function texts(frame: Frame, name: string): (string | null)[] {
  const c = frame.columns.find((x) => x.name === name);
  if (!c || isNumericColumn(c)) throw new Error(`no text column ${name}`);
  return Array.from(c.codes, (k) => (k < 0 ? null : c.categories[k]));
}

/** A bundle's zip with one file changed (fflate, as a person with a zip tool would). */
function edit(zip: Uint8Array, path: string, change: (b: Uint8Array) => Uint8Array): Uint8Array {
  const files = unzipSync(zip);
  files[path] = change(files[path]) as Uint8Array<ArrayBuffer>;
  return zipSync(files);
}

beforeAll(async () => {
  ({ tf } = await nodeTf());
  db = openBenchtopDb('bundle-api', { indexedDB: new IDBFactory(), IDBKeyRange });
  const store = createDexieDatasetStore(db);
  const data = createDataApi({ store, now: () => 1_700_000_000_000, newId: () => `ds-${++ids}` });
  const load = (bytes: Uint8Array | string, name: string) =>
    data.importData('import', blobSource(new Blob([bytes as BlobPart]), name));
  weather = await load(new Uint8Array(WEATHER), 'seattle-weather.csv');
  const lines = WEATHER.toString('utf8').trim().split('\n');
  // The same rows without the wind column; and with temp_max as words from row 7 on (so it is
  // read as a categorical column whose first six values are numbers) plus an extra column.
  noWind = await load(
    lines
      .map((l) =>
        l
          .split(',')
          .filter((_, i) => i !== 4)
          .join(','),
      )
      .join('\n'),
    'no-wind.csv',
  );
  badTemp = await load(
    lines
      .map((l, i) => {
        const f = l.split(',');
        if (i >= 7) f[2] = i % 2 ? 'warm' : 'cool';
        return [...f, i === 0 ? 'station' : 'SEA'].join(',');
      })
      .join('\n'),
    'bad-temp.csv',
  );
  const train = createTrainApi({
    datasets: store,
    runs: createDexieRunStore(db),
    models: createDexieModelStore(db),
    tf,
    detected: NO_GPU,
    active: (await nodeTf()).backend,
    now: () => 1_700_000_000_000,
    newId: () => `id-${++ids}`,
  });
  const recipe = {
    ...autoRecipe(weather.schema, weather.profile, 'weather', { name: 'Auto' }),
    validation: { kind: 'stratified-kfold', folds: 3, shuffle: true },
  };
  run = await train.crossValidate('cv', weather.id, recipe);
  model = await train.trainFinal('final', weather.id, run.recipe, undefined, { runId: run.id });

  // The stored model's own predictions: its fitted steps, then its weights loaded by tfjs.
  const bytes = (await getModelBytes(db, model.id))!;
  const artifacts: ModelArtifacts = {
    modelJson: model.modelJson,
    weightSpecs: model.weightSpecs as ModelArtifacts['weightSpecs'],
    weightData: bytes.slice().buffer,
  };
  const trained = await restoreTrainedModel(tf, model.model, artifacts);
  const frame = frameFromTable(
    tableFromIPC((await store.getDatasetBytes(weather.id))!),
    weather.schema,
  );
  const prepared = applySteps(frame, model.fittedSteps, { inference: true });
  const m = toMatrix(prepared, 'weather', { features: model.features });
  expected = await trained.predict(m.X, m.rows);
  trained.dispose();
}, 120_000);

afterAll(() => db.close());

for (const make of [inProcess, overComlink]) {
  describe(`bundle API (${make.name})`, () => {
    let t: Transport<BundleApi>;

    function open(chunkRows?: number): Transport<BundleApi> {
      return make(
        createBundleApi({
          datasets: createDexieDatasetStore(db),
          models: createDexieModelSource(db),
          bundles: createDexieBundleStore(db),
          keys: createDexieKeyStore(db),
          tf,
          now: () => Date.UTC(2025, 2, 1, 12) + ids,
          newId: () => `b-${++ids}`,
          ...(make === overComlink ? { transfer: Comlink.transfer } : {}),
          ...(chunkRows ? { chunkRows } : {}),
        }),
      );
    }

    beforeAll(async () => {
      await db.transaction('rw', db.bundles, db.bundleBytes, db.keys, async () => {
        await db.bundles.clear();
        await db.bundleBytes.clear();
        await db.keys.clear();
      });
      t = open();
    });
    afterEach(async () => {
      expect(tf.memory().numTensors).toBeLessThan(100);
    });
    afterAll(() => t.close());

    const stored = async () => ({
      rows: await db.bundles.count(),
      bytes: await db.bundleBytes.count(),
    });

    it('exports a float32 bundle that core reads back: metrics of the run, data hash, no signature', async () => {
      const phases: string[] = [];
      const out = await t.api.exportBundle(
        model.id,
        { name: 'Seattle weather', version: '1.0.0', quantize: 'none', sign: false },
        t.callback((p: { phase: string }) => void phases.push(p.phase)),
      );
      expect(out.fileName).toBe('Seattle-weather-1.0.0.benchtop.zip');
      expect(out.bytes).toBeInstanceOf(Uint8Array);
      expect(out.size).toBe(out.bytes.byteLength);
      expect(out.signed).toBe(false);
      expect(out.weightBytes).toBe(model.weightBytes);
      const bundle = await readBundle(out.bytes);
      const m = bundle.manifest;
      expect(m.model).toMatchObject({
        name: 'Seattle weather',
        version: '1.0.0',
        task: 'classification',
      });
      expect(m.target.name).toBe('weather');
      expect(m.target.labels).toEqual(model.labels!.labels);
      expect(m.metrics.cv?.folds).toBe(3);
      expect(m.metrics.cv?.summary.accuracy.mean).toBeGreaterThan(0.7);
      expect(m.data.source.sha256).toBe(weather.source.sha256);
      expect(m.data.source.name).toBe('seattle-weather.csv');
      expect(m.data.profile.rows).toBe(1461);
      expect(m.input.columns.map((c) => c.name)).toEqual(
        expect.arrayContaining(['date', 'precipitation', 'temp_max', 'temp_min', 'wind']),
      );
      expect(m.quantization.dtype).toBe('none');
      expect(bundle.modelCard).toContain('Seattle weather');
      await new Promise((r) => setTimeout(r, 10));
      expect(phases).toEqual(['loading', 'writing', 'verifying']);
      expect(await stored()).toEqual({ rows: 0, bytes: 0 });
    });

    it('import -> batch predictions equal the stored model (<= 1e-5); the one-row form agrees', async () => {
      const out = await t.api.exportBundle(model.id, {
        name: 'weather-model',
        version: '1.2.3',
        quantize: 'none',
        sign: false,
      });
      const imported = await t.api.importBundle(out.bytes, out.fileName);
      expect(imported.duplicate).toBe(false);
      const rec = imported.record;
      expect(rec).toMatchObject({
        name: 'weather-model',
        version: '1.2.3',
        fileName: out.fileName,
      });
      expect(rec.verification).toMatchObject({ hashesOk: true, signed: false, keyId: null });
      expect(rec.verification.summary).toMatch(
        /^Verified: \d+ files match their sha256; not signed\.$/,
      );
      expect(rec.modelCard).toContain('weather-model');
      expect(await stored()).toEqual({ rows: 1, bytes: 1 });
      expect((await t.api.listBundles()).map((b) => b.id)).toEqual([rec.id]);

      const report = await t.api.checkColumns(rec.id, weather.id);
      expect(report).toMatchObject({
        ok: true,
        missing: [],
        extra: [],
        wrongType: [],
        hasTarget: true,
      });

      const progress: PredictProgress[] = [];
      const res = await t.api.predictDataset(
        'p1',
        rec.id,
        weather.id,
        t.callback((p: PredictProgress) => void progress.push(p)),
      );
      expect(res.format).toBe('csv');
      expect(res.rows).toBe(1461);
      const labels = model.labels!.labels;
      expect(res.columns).toEqual([
        'date',
        'precipitation',
        'temp_max',
        'temp_min',
        'wind',
        'weather',
        'prediction',
        ...labels.map((l) => `proba_${l}`),
      ]);
      const frame = await csvFrame(res.bytes);
      expect(frame.rows).toBe(1461);
      let maxDiff = 0;
      labels.forEach((l, c) => {
        const p = numbers(frame, `proba_${l}`);
        for (let i = 0; i < frame.rows; i++)
          maxDiff = Math.max(maxDiff, Math.abs(p[i] - expected[i * labels.length + c]));
      });
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
      const predicted = texts(frame, 'prediction');
      const truth = texts(frame, 'weather');
      const correct = predicted.filter((p, i) => p === truth[i]).length;
      expect(res.agreement).toEqual({ rows: 1461, correct });
      expect(Object.values(res.labelCounts!).reduce((a, b) => a + b, 0)).toBe(1461);
      await new Promise((r) => setTimeout(r, 10)); // progress messages may trail the answer
      expect(progress.map((p) => p.phase)).toEqual(
        expect.arrayContaining(['loading', 'checking', 'predicting', 'writing']),
      );

      // One row through the form's path: the same label and probabilities as the batch.
      const row = {
        date: '2012-01-04',
        precipitation: 20.3,
        temp_max: 12.2,
        temp_min: 5.6,
        wind: 4.7,
      };
      const one = await t.api.predictRow(rec.id, row);
      const p = one.prediction;
      expect('label' in p).toBe(true);
      if ('label' in p) {
        expect(p.label).toBe(predicted[3]);
        const sum = Object.values(p.probabilities).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
        labels.forEach((l, c) =>
          expect(
            Math.abs(p.probabilities[l] - expected[3 * labels.length + c]),
          ).toBeLessThanOrEqual(1e-5),
        );
      }
      // The form sends the text as typed (the predictor reads it by the column's kind): the same.
      const typed = await t.api.predictRow(rec.id, {
        date: '2012-01-04',
        precipitation: '20.3',
        temp_max: ' 12.2',
        temp_min: '5.6',
        wind: '4.7 ',
      });
      expect(typed).toEqual(one);

      // Arrow IPC instead of CSV: the same rows and columns.
      const arrow = await t.api.predictDataset('p2', rec.id, weather.id, undefined, {
        format: 'arrow',
      });
      expect(arrow.fileName).toMatch(/\.arrow$/);
      const table = tableFromIPC(arrow.bytes);
      expect(table.numRows).toBe(1461);
      expect(table.schema.fields.map((f) => f.name)).toEqual(res.columns);

      // The same file again is not stored twice.
      const again = await t.api.importBundle(out.bytes, 'copy.benchtop.zip');
      expect(again).toMatchObject({ duplicate: true, record: { id: rec.id } });
      expect(await stored()).toEqual({ rows: 1, bytes: 1 });

      await t.api.deleteBundle(rec.id);
      expect(await stored()).toEqual({ rows: 0, bytes: 0 });
      expectUserError(
        await rejection(t.api.predictRow(rec.id, row)),
        'not-found',
        /Import it again/,
      );
    });

    it('uint8 + signed: >= 3.5x smaller weights, same predictions on >= 99% of rows, signed by this browser’s key', async () => {
      const key = await t.api.signingKey();
      expect(key.keyId).toMatch(/^[0-9a-f]{64}$/);
      expect(key.publicKey).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect((await t.api.signingKey()).keyId).toBe(key.keyId);

      const out = await t.api.exportBundle(model.id, {
        name: 'weather-model',
        version: '2.0.0',
        quantize: 'uint8',
        sign: true,
      });
      expect(out.signed).toBe(true);
      expect(out.keyId).toBe(key.keyId);
      expect(model.weightBytes / out.weightBytes).toBeGreaterThanOrEqual(3.5);
      const read = await readBundle(out.bytes, { trustedKeys: [key.publicKey] });
      expect(read.signature).toMatchObject({ signed: true, trusted: true, keyId: key.keyId });
      expect(read.manifest.quantization.dtype).toBe('uint8');

      const { record } = await t.api.importBundle(out.bytes, out.fileName);
      expect(record.quantization).toBe('uint8');
      expect(record.verification).toMatchObject({ signed: true, keyId: key.keyId, ownKey: true });
      expect(record.verification.summary).toContain('signed by key');
      expect(record.verification.summary).toContain('this browser’s key');

      const res = await t.api.predictDataset('p3', record.id, weather.id);
      const frame = await csvFrame(res.bytes);
      const labels = model.labels!.labels;
      const predicted = texts(frame, 'prediction');
      let same = 0;
      for (let i = 0; i < frame.rows; i++) {
        let best = 0;
        for (let c = 1; c < labels.length; c++)
          if (expected[i * labels.length + c] > expected[i * labels.length + best]) best = c;
        if (predicted[i] === labels[best]) same++;
      }
      console.log(
        `[bundle-api] uint8: weights ${model.weightBytes} -> ${out.weightBytes} bytes (${(model.weightBytes / out.weightBytes).toFixed(2)}x), same label on ${same}/${frame.rows} rows`,
      );
      expect(same / frame.rows).toBeGreaterThanOrEqual(0.99);
      await t.api.deleteBundle(record.id);
    });

    it('refuses bad bundles with the core’s clear messages and stores nothing', async () => {
      const good = (
        await t.api.exportBundle(model.id, {
          name: 'm',
          version: '1.0.0',
          quantize: 'none',
          sign: false,
        })
      ).bytes;
      const cases: [string, Uint8Array, string, RegExp][] = [
        ['a CSV file', new Uint8Array(WEATHER.subarray(0, 500)), 'unsupported-format', /zip/i],
        [
          'a zip without a manifest',
          zipSync({ 'readme.txt': strToU8('hello') }),
          'unsupported-format',
          /not a Benchtop bundle/,
        ],
        [
          'a truncated bundle',
          good.slice(0, Math.floor(good.length / 2)),
          'invalid-argument',
          /truncated|damaged|incomplete|cut/i,
        ],
        [
          'a flipped byte in weights.bin',
          edit(good, 'model/weights.bin', (b) => {
            const c = b.slice();
            c[10] ^= 0xff;
            return c;
          }),
          'invalid-argument',
          /weights\.bin does not match its hash/,
        ],
        [
          'a newer format',
          edit(good, 'manifest.json', (b) => {
            const m = JSON.parse(strFromU8(b)) as { version: number };
            m.version = 3;
            return strToU8(JSON.stringify(m));
          }),
          'invalid-argument',
          /format 3,? (which )?is newer than this app/i,
        ],
      ];
      for (const [what, bytes, code, message] of cases) {
        const err = await rejection(t.api.importBundle(bytes, `${what}.zip`));
        expect(err.name, what).toBe('BenchtopError');
        expect(err.message, what).toMatch(message);
        if (code === 'unsupported-format')
          expect(['unsupported-format', 'invalid-argument']).toContain(err.code);
        else expectUserError(err, code, message);
        expect(await stored(), what).toEqual({ rows: 0, bytes: 0 });
      }
      expect(await listBundles(db)).toEqual([]);
    });

    it('reports missing, extra and wrongly typed columns by name, and refuses to predict on them', async () => {
      const out = await t.api.exportBundle(model.id, {
        name: 'm',
        version: '1.0.0',
        quantize: 'none',
        sign: false,
      });
      const { record } = await t.api.importBundle(out.bytes, out.fileName);

      const missing = await t.api.checkColumns(record.id, noWind.id);
      expect(missing).toMatchObject({ ok: false, missing: ['wind'], wrongType: [], extra: [] });
      const err = await rejection(t.api.predictDataset('p4', record.id, noWind.id));
      expectUserError(
        err,
        'invalid-argument',
        /cannot predict on “no-wind”: it has no column 'wind', which the model needs/,
      );

      const bad = await t.api.checkColumns(record.id, badTemp.id);
      expect(bad.ok).toBe(false);
      expect(bad.missing).toEqual([]);
      expect(bad.extra).toEqual(['station']);
      expect(bad.wrongType).toEqual([
        {
          column: 'temp_max',
          expected: 'number',
          found: bad.wrongType[0].found,
          value: 'warm',
          row: 7,
        },
      ]);
      expect(['categorical', 'text']).toContain(bad.wrongType[0].found);
      expectUserError(
        await rejection(t.api.predictDataset('p5', record.id, badTemp.id)),
        'invalid-argument',
        /column 'temp_max' should hold numbers, but row 7 has "warm"/,
      );
      expectUserError(
        await rejection(
          t.api.predictRow(record.id, { date: '2012-01-01', precipitation: 1, temp_max: 3 }),
        ),
        'invalid-argument',
        /'temp_min'|'wind'/,
      );
      expectUserError(
        await rejection(
          t.api.predictRow(record.id, {
            date: '2012-01-01',
            precipitation: 'lots',
            temp_max: 3,
            temp_min: 1,
            wind: 2,
          }),
        ),
        'invalid-argument',
        /precipitation/,
      );
      await t.api.deleteBundle(record.id);
    });

    it('predicts in chunks with progress, and stops when cancelled between chunks', async () => {
      const chunked = open(100);
      try {
        const out = await chunked.api.exportBundle(model.id, {
          name: 'm',
          version: '1.0.0',
          quantize: 'none',
          sign: false,
        });
        const { record } = await chunked.api.importBundle(out.bytes, out.fileName);
        const seen: number[] = [];
        const whole = await chunked.api.predictDataset(
          'c1',
          record.id,
          weather.id,
          chunked.callback((p: PredictProgress) => {
            if (p.phase === 'predicting') seen.push(p.done);
          }),
        );
        await new Promise((r) => setTimeout(r, 10));
        expect(seen.length).toBeGreaterThanOrEqual(10);
        const frame = await csvFrame(whole.bytes);
        const labels = model.labels!.labels;
        let maxDiff = 0;
        labels.forEach((l, c) => {
          const p = numbers(frame, `proba_${l}`);
          for (let i = 0; i < frame.rows; i++)
            maxDiff = Math.max(maxDiff, Math.abs(p[i] - expected[i * labels.length + c]));
        });
        expect(maxDiff).toBeLessThanOrEqual(1e-5);

        let asked = false;
        const err = await rejection(
          chunked.api.predictDataset(
            'c2',
            record.id,
            weather.id,
            chunked.callback((p: PredictProgress) => {
              if (p.phase === 'predicting' && !asked) {
                asked = true;
                void chunked.api.cancelBundleJob('c2');
              }
            }),
          ),
        );
        expectUserError(err, 'cancelled', /The predictions were cancelled/);
        await chunked.api.deleteBundle(record.id);
      } finally {
        chunked.close();
      }
    });

    it('compression table: sizes of the stored model, held-out accuracy per variant, the guard', async () => {
      const phases: string[] = [];
      const table = await t.api.compressionTable(
        model.id,
        { limit: 0 },
        t.callback((p: { phase: string }) => void phases.push(p.phase)),
      );
      expect(table.metric).toBe('accuracy');
      expect(table.limit).toBe(0);
      // 20% of 1,461 rows, stratified by weather (StratifiedShuffleSplit's rounding: ceil).
      expect(table.heldOut).toMatchObject({
        kind: 'holdout',
        testRows: 293,
        trainRows: 1168,
        stratified: true,
      });
      expect(table.heldOut.description).toContain('stratified holdout of 293 rows');
      expect(table.rows.map((r) => r.variant)).toEqual(['none', 'float16', 'uint8', 'pruned']);
      const by = Object.fromEntries(table.rows.map((r) => [r.variant, r]));
      expect(by.none).toMatchObject({ weightBytes: model.weightBytes, ratio: 1, drop: 0 });
      expect(by.float16.weightBytes).toBe(model.weightBytes / 2);
      expect(by.uint8.ratio).toBeGreaterThanOrEqual(3.5);
      expect(by.pruned.weightBytes).toBe(model.weightBytes);
      expect(by.pruned.sparsity).toBeCloseTo(0.5, 1);
      expect(by.pruned.fineTuned).toBe(true);
      // Plausible against the run's cross-validated accuracy, and float16 loses (almost) nothing.
      expect(Math.abs(by.none.value - run.metrics.accuracy.mean)).toBeLessThan(0.08);
      expect(Math.abs(by.float16.drop)).toBeLessThanOrEqual(0.5);
      for (const r of table.rows) {
        expect(r.drop).toBeCloseTo((by.none.value - r.value) * 100, 10);
        expect(r.flagged).toBe(r.drop > 0);
      }
      expect(table.warnings).toHaveLength(table.rows.filter((r) => r.flagged).length);
      for (const w of table.warnings)
        expect(w).toMatch(/loses [\d.]+ points of accuracy .*limit is 0/);
      console.log(
        '[bundle-api] compression table (seattle-weather logreg):',
        table.rows.map(
          (r) =>
            `${r.variant} ${r.weightBytes} B x${r.ratio.toFixed(2)} acc ${r.value.toFixed(4)} drop ${r.drop.toFixed(2)}`,
        ),
      );
      await new Promise((r) => setTimeout(r, 10));
      expect(phases).toEqual(['loading', 'splitting', 'training', 'scoring']);

      const loose = await t.api.compressionTable(model.id, { fineTune: false });
      expect(loose.limit).toBe(1);
      expect(loose.rows.find((r) => r.variant === 'pruned')?.fineTuned).toBe(false);
      for (const r of loose.rows) expect(r.flagged).toBe(r.drop > 1);
      expectUserError(
        await rejection(t.api.compressionTable(model.id, { limit: -1 })),
        'invalid-argument',
        /largest acceptable drop in points/,
      );
    });

    it('clear errors for a model or dataset that is gone, a bad version and a bad weight storage', async () => {
      expectUserError(
        await rejection(
          t.api.exportBundle('nope', {
            name: 'm',
            version: '1.0.0',
            quantize: 'none',
            sign: false,
          }),
        ),
        'not-found',
        /not in this browser’s storage any more/,
      );
      expectUserError(
        await rejection(
          t.api.exportBundle(model.id, { name: 'm', version: 'v1', quantize: 'none', sign: false }),
        ),
        'invalid-argument',
        /'v1' is not a semantic version/,
      );
      expectUserError(
        await rejection(
          t.api.exportBundle(model.id, {
            name: 'm',
            version: '1.0.0',
            quantize: 'int4' as never,
            sign: false,
          }),
        ),
        'invalid-argument',
        /Choose none, float16, uint8/,
      );
      expectUserError(
        await rejection(t.api.checkColumns('nope', weather.id)),
        'not-found',
        /Import it again/,
      );
    });
  });
}

describe('the train worker exposes both APIs merged', () => {
  it('no bundle API method shadows a train API method', () => {
    const deps = {} as Parameters<typeof createTrainApi>[0];
    const trainKeys = Object.keys(
      createTrainApi({ ...deps, active: { name: 'cpu', reason: '', failed: [] } } as never),
    );
    const bundleKeys = Object.keys(createBundleApi({} as never));
    expect(bundleKeys.filter((k) => trainKeys.includes(k))).toEqual([]);
    expect(bundleKeys).toEqual(
      expect.arrayContaining(['exportBundle', 'importBundle', 'predictDataset', 'predictRow']),
    );
  });

  it('one frame cache serves both (as in the worker): decoded once, and the train API’s evict drops it for the bundle API', async () => {
    const store = createDexieDatasetStore(db);
    const reads: string[] = [];
    const counting = {
      getDataset: (id: string) => store.getDataset(id),
      getDatasetBytes: (id: string) => {
        reads.push(id);
        return store.getDatasetBytes(id);
      },
    };
    const frames = frameCache(counting, { nameReadFailures: true });
    const trainApi = createTrainApi({
      datasets: counting,
      runs: createDexieRunStore(db),
      models: createDexieModelStore(db),
      tf,
      detected: NO_GPU,
      active: (await nodeTf()).backend,
      now: () => 1_700_000_000_000,
      newId: () => `id-${++ids}`,
      frames,
    });
    const bundles = createBundleApi({
      datasets: counting,
      models: createDexieModelSource(db),
      bundles: createDexieBundleStore(db),
      keys: createDexieKeyStore(db),
      tf,
      now: () => Date.UTC(2025, 2, 1, 12),
      newId: () => `b-${++ids}`,
      frames,
    });
    const options = { name: 'Shared', version: '1.0.0', quantize: 'none', sign: false } as const;
    // The train API decoded the weather data (a run, a final model): the cache holds it.
    await frames.frame((await store.getDataset(weather.id))!);
    expect(reads).toEqual([weather.id]);
    const first = await bundles.exportBundle(model.id, options);
    expect(reads).toEqual([weather.id]);
    trainApi.evict(weather.id);
    const second = await bundles.exportBundle(model.id, options);
    expect(reads).toEqual([weather.id, weather.id]);
    expect(second.size).toBe(first.size);
  });
});

describe('bundleFileName', () => {
  it('keeps names people can read and drops what a file system may refuse', () => {
    expect(bundleFileName('weather-model', '1.0.0')).toBe('weather-model-1.0.0.benchtop.zip');
    expect(bundleFileName('Météo / Seattle: v2', '1.0.0-rc.1')).toBe(
      'Meteo-Seattle-v2-1.0.0-rc.1.benchtop.zip',
    );
    expect(bundleFileName('  ', '1.0.0')).toBe('model-1.0.0.benchtop.zip');
  });
});
