// What the Class-balance charts receive (chart-data.ts), from real worker answers: the balance
// API run in-process on vega-datasets' seattle-weather.csv (weather: drizzle 53, fog 101,
// rain 641, snow 26, sun 640; counted by hand, pandas value_counts agrees) with an in-memory store.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createBalanceApi,
  POINT_KINDS as WORKER_POINT_KINDS,
  type SamplerPreview,
} from '../../../core/api/balance-api';
import { createDataApi, type DatasetMeta, type DatasetStore } from '../../../core/api/data-api';
import { autoRecipe, type Recipe } from '../../../core/recipe';
import { bytesSource } from '../../../core/ingest/index';
import { beforeAfterBars, POINT_KINDS, scatterData, targetBars, weightBars } from './chart-data';

const WEATHER = new Uint8Array(readFileSync('node_modules/vega-datasets/data/seattle-weather.csv'));

function memoryStore(): DatasetStore {
  const rows = new Map<string, { meta: DatasetMeta; ipc: Uint8Array }>();
  return {
    putDataset: async (meta, ipc) => void rows.set(meta.id, { meta, ipc }),
    getDataset: async (id) => rows.get(id)?.meta,
    getDatasetBytes: async (id) => rows.get(id)?.ipc,
  };
}

describe('Class-balance chart data (seattle-weather)', () => {
  const store = memoryStore();
  const deps = { store, now: () => 0, newId: () => 'weather' };
  const balance = createBalanceApi(deps);
  let meta: DatasetMeta;
  let recipe: Recipe;
  const preview = (
    sampler: Recipe['sampler'],
    view?: Parameters<typeof balance.previewSampler>[3],
  ) =>
    balance.previewSampler('job', meta.id, { ...recipe, sampler }, view) as Promise<SamplerPreview>;

  beforeAll(async () => {
    meta = await createDataApi(deps).importData(
      'import',
      bytesSource('seattle-weather.csv', WEATHER),
    );
    recipe = autoRecipe(meta.schema, meta.profile, 'weather');
  });

  it('the target chart gets one bar per class with its count and share', async () => {
    const data = targetBars(await balance.classBalance(meta.id, 'weather'));
    expect(data.series).toEqual(['rows']);
    expect(data.labels).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect(data.bars.map((b) => [b.label, b.value, b.text])).toEqual([
      ['drizzle', 53, '53 · 3.6%'],
      ['fog', 101, '101 · 6.9%'],
      ['rain', 641, '641 · 44%'],
      ['snow', 26, '26 · 1.8%'],
      ['sun', 640, '640 · 44%'],
    ]);
    expect(data.bars.reduce((s, b) => s + (b.share ?? 0), 0)).toBeCloseTo(1, 12);
    expect(data.hidden).toBe(0);
    expect(data.title).toBe(
      'Rows per class of weather: drizzle 53 · 3.6%, fog 101 · 6.9%, rain 641 · 44%, snow 26 · 1.8%, sun 640 · 44%',
    );
  });

  it('SMOTE: before and after bars side by side, every class at 641 after', async () => {
    const data = beforeAfterBars(await preview({ kind: 'smote', params: { kNeighbors: 5 } }));
    expect(data.series).toEqual(['before', 'after']);
    expect(data.bars.filter((b) => b.series === 'before').map((b) => b.value)).toEqual([
      53, 101, 641, 26, 640,
    ]);
    expect(data.bars.filter((b) => b.series === 'after').map((b) => b.text)).toEqual(
      Array(5).fill('641 · 20%'),
    );
    // Pairs per class, in class order: the grouped bars read left to right.
    expect(data.bars.slice(0, 2).map((b) => `${b.label}/${b.series}`)).toEqual([
      'drizzle/before',
      'drizzle/after',
    ]);
    expect(data.title).toContain('before and after SMOTE: drizzle 53 → 641, fog 101 → 641');
  });

  it('random under-sampling: every class at 26 after; removed rows get their own marks', async () => {
    const p = await preview({ kind: 'random-under', params: {} });
    const bars = beforeAfterBars(p);
    expect(bars.bars.filter((b) => b.series === 'after').map((b) => b.value)).toEqual(
      Array(5).fill(26),
    );
    const s = scatterData(p.scatter!);
    expect(s.original).toHaveLength(130);
    expect(s.removed).toHaveLength(1331);
    expect(s.synthetic).toHaveLength(0);
    expect(s.legend.map((l) => l.text)).toEqual([
      '130 rows kept (all drawn)',
      '1,331 rows the sampler removes (all drawn)',
    ]);
    expect(s.removed.filter((pt) => pt.label === 'snow')).toHaveLength(0);
  });

  it('SMOTE scatter: points by kind with their class; the legend counts every group exactly', async () => {
    const p = await preview({ kind: 'smote', params: { kNeighbors: 5 } });
    const s = scatterData(p.scatter!);
    expect(s.labels).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect(s.original).toHaveLength(1461);
    expect(s.synthetic).toHaveLength(1744);
    // snow: 641 − 26 synthetic rows; rain (the majority) gets none.
    expect(s.synthetic.filter((pt) => pt.label === 'snow')).toHaveLength(615);
    expect(s.synthetic.filter((pt) => pt.label === 'rain')).toHaveLength(0);
    expect(s.legend.map((l) => l.text)).toEqual([
      '1,461 original rows (all drawn)',
      '1,744 synthetic rows (all drawn)',
    ]);
    expect(s.xLabel).toMatch(/^PC1 \(\d+\.\d% of the variance\)$/);
    expect(s.notes).toEqual([]);
    for (const pt of [...s.original, ...s.synthetic]) {
      expect(Number.isFinite(pt.x) && Number.isFinite(pt.y)).toBe(true);
    }
  });

  it('random over-sampling: copies are counted, not drawn', async () => {
    const p = await preview({ kind: 'random-over', params: {} });
    const s = scatterData(p.scatter!);
    expect(s.synthetic).toHaveLength(0);
    expect(s.original).toHaveLength(1461);
    expect(s.notes).toEqual([
      '1,744 copies of existing rows are not drawn: each sits exactly on its original.',
    ]);
  });

  it('class weights: one bar per class with the balanced weight', async () => {
    const data = weightBars(await preview({ kind: 'class-weights', params: {} }));
    // n / (classes × count): 1461 / (5 × 26) = 11.238...
    expect(data.bars.map((b) => [b.label, b.text])).toEqual([
      ['drizzle', '5.513'],
      ['fog', '2.893'],
      ['rain', '0.4559'],
      ['snow', '11.24'],
      ['sun', '0.4566'],
    ]);
    expect(data.bars.every((b) => b.share === null)).toBe(true);
  });

  it('point kinds are read in the worker’s order', () => {
    expect(POINT_KINDS).toEqual(WORKER_POINT_KINDS);
  });
});
