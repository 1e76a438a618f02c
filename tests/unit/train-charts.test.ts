// The data each Train-tab chart receives (src/lib/components/Train/chart-data.ts): exact values on
// a small hand-written run, and consistency with the core's own figures on a real run (penguins'
// Sex, 3-fold logistic regression through the train API on wasm; cars' MPG for residuals).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createDataApi } from '../../src/core/api/data-api';
import { createTrainApi, type RunRecord } from '../../src/core/api/train-api';
import { blobSource } from '../../src/core/ingest/blob-source';
import { nodeTf } from '../../src/core/models/node-tf';
import { autoRecipe } from '../../src/core/recipe';
import { createDexieDatasetStore, openBenchtopDb } from '../../src/db';
import { createDexieModelStore } from '../../src/db/models';
import { createDexieRunStore, restoreRun } from '../../src/db/runs';
import {
  atThreshold,
  confusionCells,
  curveData,
  lossSeries,
  LOSS_DRAW_POINTS,
  metricBars,
  residualPoints,
  runLossSeries,
} from '../../src/lib/components/Train/chart-data';

const HAND = restoreRun({
  id: 'h1',
  createdAt: 2,
  modelTitle: 'Logistic regression',
  task: 'classification',
  labels: { labels: ['no', 'yes'], counts: [3, 2], positive: 1 },
  positive: 'yes',
  metrics: { accuracy: { mean: 0.8, std: 0.1, folds: 2 } },
  folds: [
    { fold: 1, lossCurve: [0.9, 0.5] },
    { fold: 2, lossCurve: [0.8] },
  ],
  confusion: [
    [2, 1],
    [0, 2],
  ],
  curves: [
    {
      class: 1,
      label: 'yes',
      roc: { x: [0, 0.5, 1], y: [0, 0.75, 1], std: [0, 0.5, 0] },
      pr: { x: [0, 1], y: [1, 0.5], std: [0, 0.1] },
    },
  ],
  foldCurves: [
    { fold: 1, class: 1, roc: { x: [0, 1], y: [0, 1] }, pr: { x: [0, 1], y: [1, 0.5] } },
    { fold: 2, class: 1, roc: { x: [0, 0, 1], y: [0, 1, 1] }, pr: { x: [1], y: [0.5] } },
  ],
  outOfFold: {
    kind: 'binary',
    truth: Uint8Array.from([0, 0, 1, 1, 0]),
    score: Float32Array.from([0.1, 0.6, 0.7, 0.4, 0.3]),
    rows: 5,
    best: { f1: { threshold: 0.4 }, youden: { threshold: 0.4 } },
  },
});

describe('chart data on a hand-written run', () => {
  it('ROC: fold lines and the mean with its band clipped to [0, 1]', () => {
    expect(curveData(HAND, 'roc')).toEqual({
      folds: [
        { series: 'fold 1', x: 0, y: 0 },
        { series: 'fold 1', x: 1, y: 1 },
        { series: 'fold 2', x: 0, y: 0 },
        { series: 'fold 2', x: 0, y: 1 },
        { series: 'fold 2', x: 1, y: 1 },
      ],
      mean: [
        { series: 'mean', x: 0, y: 0, low: 0, high: 0 },
        { series: 'mean', x: 0.5, y: 0.75, low: 0.25, high: 1 },
        { series: 'mean', x: 1, y: 1, low: 1, high: 1 },
      ],
      title: 'positive class: yes',
    });
    expect(curveData(HAND, 'pr')?.mean.map((p) => [p.x, p.y])).toEqual([
      [0, 1],
      [1, 0.5],
    ]);
  });

  it('confusion cells with row shares', () => {
    expect(confusionCells(HAND)).toEqual([
      { actual: 'no', predicted: 'no', count: 2, share: 2 / 3 },
      { actual: 'no', predicted: 'yes', count: 1, share: 1 / 3 },
      { actual: 'yes', predicted: 'no', count: 0, share: 0 },
      { actual: 'yes', predicted: 'yes', count: 2, share: 1 },
    ]);
  });

  it('loss series per fold, thinned with both ends kept', () => {
    expect(runLossSeries(HAND)).toEqual([
      { fold: 'fold 1', epoch: 1, loss: 0.9 },
      { fold: 'fold 1', epoch: 2, loss: 0.5 },
      { fold: 'fold 2', epoch: 1, loss: 0.8 },
    ]);
    const long = Array.from({ length: 1000 }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1) }));
    const s = lossSeries([{ fold: 3, points: long }]);
    expect(s).toHaveLength(LOSS_DRAW_POINTS);
    expect(s[0]).toEqual({ fold: 'fold 3', epoch: 1, loss: 1 });
    expect(s.at(-1)).toEqual({ fold: 'fold 3', epoch: 1000, loss: 1 / 1000 });
  });

  it('the threshold chooser counts rows at or above the threshold as positive', () => {
    const oof = HAND.outOfFold!;
    if (oof.kind !== 'binary') throw new Error('binary');
    expect(atThreshold(oof, 0.4)).toEqual({
      threshold: 0.4,
      precision: 2 / 3,
      recall: 1,
      f1: 0.8,
      accuracy: 0.8,
      confusion: [
        [2, 1],
        [0, 2],
      ],
    });
    expect(atThreshold(oof, 0.95).confusion).toEqual([
      [3, 0],
      [2, 0],
    ]);
  });

  it('metric bars: one per run with a defined mean, oldest first, ± std', () => {
    const older = {
      ...HAND,
      id: 'h0',
      createdAt: 1,
      metrics: { accuracy: { mean: 0.6, std: 0.05, folds: 2 } },
    };
    const nan = {
      ...HAND,
      id: 'h2',
      createdAt: 3,
      metrics: { accuracy: { mean: NaN, std: NaN, folds: 0 } },
    };
    const bars = metricBars([HAND, nan, older], 'accuracy');
    expect(bars.map((b) => [b.id, b.run, b.mean])).toEqual([
      ['h0', '#1 Logistic regression', 0.6],
      ['h1', '#2 Logistic regression', 0.8],
    ]);
    expect(bars[1].low).toBeCloseTo(0.7, 12);
    expect(bars[1].high).toBeCloseTo(0.9, 12);
  });
});

describe('chart data on real runs', () => {
  let binary: RunRecord;
  let regression: RunRecord;

  beforeAll(async () => {
    const db = openBenchtopDb('charts', { indexedDB: new IDBFactory(), IDBKeyRange });
    let n = 0;
    const store = createDexieDatasetStore(db);
    const data = createDataApi({ store, now: () => 1, newId: () => `d${++n}` });
    const csv = (file: string, cols: string[]) => {
      const rows = JSON.parse(
        readFileSync(`node_modules/vega-datasets/data/${file}`, 'utf8'),
      ) as Record<string, string | number | null>[];
      const cell = (v: string | number | null) => (v === null || v === '.' ? '' : String(v));
      return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n');
    };
    const penguins = await data.importData(
      'p',
      blobSource(
        new Blob([
          csv('penguins.json', [
            'Beak Length (mm)',
            'Beak Depth (mm)',
            'Flipper Length (mm)',
            'Body Mass (g)',
            'Sex',
          ]),
        ]),
        'p.csv',
      ),
    );
    const cars = await data.importData(
      'c',
      blobSource(
        new Blob([csv('cars.json', ['Horsepower', 'Weight_in_lbs', 'Miles_per_Gallon'])]),
        'c.csv',
      ),
    );
    const { tf, backend } = await nodeTf();
    const api = createTrainApi({
      datasets: store,
      runs: createDexieRunStore(db),
      models: createDexieModelStore(db),
      tf,
      detected: {
        webgpu: { available: false, isFallbackAdapter: false },
        wasm: true,
        webgl: false,
        isolated: false,
      },
      active: backend,
      now: () => 1,
      newId: () => `r${++n}`,
    });
    const three = { validation: { kind: 'stratified-kfold', folds: 3 } };
    binary = await api.crossValidate(
      'b',
      penguins.id,
      autoRecipe(penguins.schema, penguins.profile, 'Sex'),
      three,
    );
    regression = await api.crossValidate(
      'r',
      cars.id,
      autoRecipe(cars.schema, cars.profile, 'Miles_per_Gallon'),
      {
        validation: { kind: 'kfold', folds: 3 },
      },
    );
  });

  it('curves: three fold lines, a 101-point mean inside its band', () => {
    const roc = curveData(binary, 'roc')!;
    expect(new Set(roc.folds.map((p) => p.series))).toEqual(
      new Set(['fold 1', 'fold 2', 'fold 3']),
    );
    expect(roc.mean).toHaveLength(101);
    for (const p of roc.mean) {
      expect(p.low).toBeLessThanOrEqual(p.y);
      expect(p.high).toBeGreaterThanOrEqual(p.y);
    }
    expect(roc.title).toBe('positive class: FEMALE');
  });

  it('the confusion cells add up to the run’s matrix, and shares to 1 per actual class', () => {
    const cells = confusionCells(binary);
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(333);
    for (const label of ['FEMALE', 'MALE']) {
      const share = cells.filter((c) => c.actual === label).reduce((s, c) => s + c.share, 0);
      expect(share).toBeCloseTo(1, 12);
    }
  });

  it('the chooser at the F1-best threshold shows what the core chose on the same predictions', () => {
    const oof = binary.outOfFold!;
    if (oof.kind !== 'binary') throw new Error('binary');
    const v = atThreshold(oof, oof.best.f1.threshold);
    expect(v.precision).toBeCloseTo(oof.best.f1.precision, 12);
    expect(v.recall).toBeCloseTo(oof.best.f1.recall, 12);
    expect(v.f1).toBeCloseTo(oof.best.f1.f1, 12);
    const [[tn, fp], [fn, tp]] = v.confusion;
    // The core's matrix is in class-index order; FEMALE (index 0) is the positive class here.
    expect(binary.labels!.positive).toBe(0);
    expect(oof.best.f1.confusion).toEqual([
      [tp, fn],
      [fp, tn],
    ]);
  });

  it('residuals are actual − predicted of the out-of-fold rows', () => {
    const points = residualPoints(regression);
    const oof = regression.outOfFold!;
    if (oof.kind !== 'regression') throw new Error('regression');
    expect(points).toHaveLength(oof.actual.length);
    points.forEach((p, i) => {
      expect(p.predicted).toBe(oof.predicted[i]);
      expect(p.residual).toBeCloseTo(oof.actual[i] - oof.predicted[i], 10);
    });
    expect(confusionCells(regression)).toEqual([]);
    expect(curveData(regression, 'roc')).toBeNull();
  });
});
