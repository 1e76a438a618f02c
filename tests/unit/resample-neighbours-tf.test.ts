// The tfjs neighbour search (src/core/resample/neighbours-tf.ts through nearestNeighbours) on the
// wasm backend must give exactly what the TypeScript search gives: the same neighbours in the same
// order with the same float64 distances, lower index first on ties. Checked on seeded data built
// to break float32 (coarse grids full of duplicates and equal distances, large offsets, tiny
// scales, SMOTE-NC's categorical penalty), across block edges (small blocks), on real data (vega
// penguins, scikit-learn's breast_cancer from the committed golden JSON), and through the samplers.
// Also: tensors are all released (also on cancellation), progress and cancellation between blocks,
// the automatic choice of path, and the fallback to TypeScript when the backend fails.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { frameFromTable, makeFrame, numericColumn, stringColumn } from '../../src/core/data/frame';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import type { Tf } from '../../src/core/models/types';
import { nodeTf } from '../../src/core/models/node-tf';
import { createRng } from '../../src/core/rng';
import {
  nearestNeighbours,
  resample,
  usesTf,
  type Neighbours,
  type PointSet,
} from '../../src/core/resample';
import { gaussianPoints, gridPoints, brute } from './resample-helpers';

let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
  expect(tf.getBackend()).toBe('wasm');
});

function expectSame(a: Neighbours, b: Neighbours): void {
  expect(b.k).toBe(a.k);
  // Row by row, so a failure names the row.
  for (let r = 0; r < a.index.length / a.k; r++) {
    const s = r * a.k;
    expect([...b.index.subarray(s, s + a.k)], `row ${r}`).toEqual([
      ...a.index.subarray(s, s + a.k),
    ]);
    expect([...b.distance.subarray(s, s + a.k)], `row ${r}`).toEqual([
      ...a.distance.subarray(s, s + a.k),
    ]);
  }
}

function bothPaths(p: PointSet, k: number, blockRows?: number) {
  const js = nearestNeighbours(p, k, { path: 'js' });
  const start = tf.memory().numTensors;
  const viaTf = nearestNeighbours(p, k, { tf, path: 'tf', ...(blockRows ? { blockRows } : {}) });
  expect(tf.memory().numTensors).toBe(start);
  expect(js.path).toBe('js');
  expect(viaTf.path).toBe('tf');
  return { js, viaTf };
}

describe('tfjs path = TypeScript path, ties to the lower index', () => {
  it.each([
    // seed, rows, dims, k, grid, rows per block
    [1, 40, 2, 1, 6, 16],
    [2, 300, 3, 5, 8, 64],
    [3, 600, 5, 3, 10, 128],
    [4, 530, 30, 5, 5, 100],
    [5, 257, 1, 4, 3, 32],
    [6, 700, 7, 1, 4, 256],
    [7, 1500, 12, 5, 6, undefined],
  ])(
    'grid data, seed %i: %i rows x %i dims, k = %i, grid %i, blocks of %s rows',
    (seed, rows, dims, k, grid, block) => {
      const p = gridPoints(seed, rows, dims, grid);
      const { js, viaTf } = bothPaths(p, k, block);
      expectSame(js, viaTf);
      // Coarse grids leave float32 unable to settle some rows: the wider pass and the exact scan ran.
      expect(viaTf.rechecked).toBeGreaterThan(0);
      for (const r of [0, 1, rows >> 1, rows - 1]) {
        expect([...viaTf.index.subarray(r * k, r * k + k)]).toEqual(brute(p, r, k));
      }
    },
  );

  it('100 rows that are all the same point: every row takes the lowest other indices', () => {
    const p: PointSet = { rows: 100, dims: 3, values: new Float64Array(300).fill(0.7) };
    const { js, viaTf } = bothPaths(p, 4, 16);
    expectSame(js, viaTf);
    expect([...viaTf.index.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect([...viaTf.index.subarray(50 * 4, 51 * 4)]).toEqual([0, 1, 2, 3]);
    expect(viaTf.rechecked).toBe(100);
  });

  it.each([
    ['standard normal', 1, 0],
    ['a large offset (1e6 + N(0, 1e-2)): centring keeps float32 useful', 1e-2, 1e6],
    ['a tiny scale (1e-30): power-of-two scaling avoids float32 underflow', 1e-30, 0],
    ['a huge scale (1e30): no float32 overflow', 1e30, 0],
  ])('continuous data, %s', (_name, scale, offset) => {
    const p = gaussianPoints(11, 900, 20, scale, offset);
    const { js, viaTf } = bothPaths(p, 5, 200);
    expectSame(js, viaTf);
    for (const r of [0, 450, 899])
      expect([...viaTf.index.subarray(r * 5, r * 5 + 5)]).toEqual(brute(p, r, 5));
    // Continuous data: the float32 bound settles nearly every row in the first pass.
    expect(viaTf.rechecked!).toBeLessThan(900 * 0.05);
  });

  it('SMOTE-NC points: the categorical mismatch penalty through one-hot codes', () => {
    const rows = 800;
    const rng = createRng(5);
    const cats = 3;
    const codes = new Int32Array(rows * cats);
    for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rng() * (2 + (i % cats) * 3));
    for (const [grid, mismatch] of [
      [6, 0.25],
      [0, 0.37],
    ] as const) {
      const base = grid ? gridPoints(9, rows, 4, grid) : gaussianPoints(9, rows, 4);
      const p: PointSet = { ...base, cats, codes, mismatch };
      const { js, viaTf } = bothPaths(p, 5, 128);
      expectSame(js, viaTf);
      for (const r of [0, 7, 399, 799])
        expect([...viaTf.index.subarray(r * 5, r * 5 + 5)]).toEqual(brute(p, r, 5));
    }
  });

  it('too many one-hot slots to embed: the TypeScript search runs instead', () => {
    const rows = 700;
    const codes = Int32Array.from({ length: rows }, (_, i) => i);
    const p: PointSet = { ...gaussianPoints(2, rows, 2), cats: 1, codes, mismatch: 1 };
    const r = nearestNeighbours(p, 3, { tf, path: 'tf' });
    expect(r.path).toBe('js');
    expectSame(nearestNeighbours(p, 3, { path: 'js' }), r);
  });
});

describe('real data', () => {
  it('vega seattle-weather (1,461 days x 4 numbers to 0.1: many ties and duplicates): k = 5 and 1', async () => {
    const { table, schema } = await ingest(
      bytesSource(
        'seattle-weather.csv',
        readFileSync('node_modules/vega-datasets/data/seattle-weather.csv'),
      ),
    );
    const frame = frameFromTable(table, schema);
    const names = ['precipitation', 'temp_max', 'temp_min', 'wind'];
    const cols = names.map(
      (n) => (frame.columns.find((c) => c.name === n) as { values: Float64Array }).values,
    );
    const values = new Float64Array(frame.rows * 4);
    cols.forEach((v, f) => v.forEach((x, i) => (values[i * 4 + f] = x)));
    expect(frame.rows).toBe(1461);
    const p: PointSet = { rows: frame.rows, dims: 4, values };
    for (const k of [1, 5]) {
      const { js, viaTf } = bothPaths(p, k, 300);
      expectSame(js, viaTf);
      for (const r of [0, 100, 730, 1460])
        expect([...viaTf.index.subarray(r * k, r * k + k)]).toEqual(brute(p, r, k));
    }
  });

  it('breast_cancer (569 x 30, raw and standard-scaled, from the imblearn golden JSON): k = 5 and 1', () => {
    const g = JSON.parse(readFileSync('tests/fixtures/golden/imblearn-resample.json', 'utf8')) as {
      datasets: { name: string; X: number[][]; Xscaled: number[][] }[];
    };
    const data = g.datasets.find((d) => d.name === 'breast_cancer')!;
    for (const X of [data.X, data.Xscaled]) {
      const p: PointSet = { rows: X.length, dims: 30, values: Float64Array.from(X.flat()) };
      for (const k of [1, 5])
        expectSame(...(Object.values(bothPaths(p, k, 128)) as [Neighbours, Neighbours]));
    }
  });
});

describe('samplers with a tfjs module', () => {
  function mixedFrame(rows: number, seed: number) {
    const rng = createRng(seed);
    const y = Array.from({ length: rows }, () => (rng() < 0.2 ? 1 : 0));
    const cols = Array.from({ length: 13 }, (_, f) =>
      numericColumn(
        `x${f}`,
        'number',
        y.map((c) => Math.round((rng() * 3 + c * (f < 4 ? 1 : 0)) * 4) / 4),
      ),
    );
    const plan = stringColumn(
      'plan',
      'categorical',
      y.map((c) => ['basic', 'pro', 'family'][Math.floor(rng() * (2 + c))]),
    );
    return { cols, plan, y };
  }

  it('Tomek links, SMOTE and SMOTE-NC give the same rows on either path (2,400 rows x 13)', () => {
    const { cols, plan, y } = mixedFrame(2400, 3);
    const numeric = makeFrame([...cols, numericColumn('y', 'integer', y)]);
    const mixed = makeFrame([...cols, plan, numericColumn('y', 'integer', y)]);
    const runs: [typeof numeric, string][] = [
      [numeric, 'tomek'],
      [numeric, 'smote'],
      [mixed, 'smote-nc'],
    ];
    for (const [frame, kind] of runs) {
      const start = tf.memory().numTensors;
      const a = resample(frame, { kind, params: {} }, { target: 'y', seed: 4, neighbours: 'js' });
      const b = resample(frame, { kind, params: {} }, { target: 'y', seed: 4, tf });
      expect(tf.memory().numTensors).toBe(start);
      expect(b.frame, kind).toEqual(a.frame);
      expect(b.source, kind).toEqual(a.source);
      expect(b.neighbour, kind).toEqual(a.neighbour);
      expect(b.notes, kind).toEqual(a.notes);
      // 'auto' keeps numeric points on the WebAssembly kernel (usesTf), so b alone may never reach
      // tfjs: the same sampler with the tfjs path forced must give the same rows too.
      const c = resample(
        frame,
        { kind, params: {} },
        { target: 'y', seed: 4, tf, neighbours: 'tf' },
      );
      expect(tf.memory().numTensors).toBe(start);
      expect(c.frame, `${kind} (tf)`).toEqual(a.frame);
      expect(c.source, `${kind} (tf)`).toEqual(a.source);
      expect(c.neighbour, `${kind} (tf)`).toEqual(a.neighbour);
      expect(c.gap, `${kind} (tf)`).toEqual(a.gap);
      expect(c.notes, `${kind} (tf)`).toEqual(a.notes);
    }
  });

  it("chooses the tfjs path only on a fast backend for a big enough search ('auto')", () => {
    const big = gaussianPoints(1, 3000, 30);
    // The WebAssembly kernel (resample-neighbours-simd.test.ts) is faster: 'auto' leaves tfjs then.
    expect(usesTf(big, 5, { tf })).toBe(false);
    expect(usesTf(big, 5, { tf, simd: false })).toBe(true);
    expect(usesTf(big, 5, {})).toBe(false);
    expect(usesTf(big, 5, { tf, path: 'js' })).toBe(false);
    expect(usesTf(gaussianPoints(1, 500, 30), 5, { tf })).toBe(false);
    expect(usesTf(gaussianPoints(1, 3000, 4), 5, { tf })).toBe(false);
    expect(usesTf(gaussianPoints(1, 500, 4), 5, { tf, path: 'tf' })).toBe(true);
    const onCpu = { ...tf, getBackend: () => 'cpu' } as Tf;
    expect(usesTf(big, 5, { tf: onCpu })).toBe(false);
    expect(nearestNeighbours(big, 2, { tf, simd: false }).path).toBe('tf');
  });

  it('a backend that fails mid-search leaves no tensors and the TypeScript search answers', () => {
    const p = gaussianPoints(3, 600, 16);
    let products = 0;
    const failing = {
      ...tf,
      matMul: (...args: Parameters<Tf['matMul']>) => {
        if (++products > 2) throw new Error('memory access out of bounds');
        return tf.matMul(...args);
      },
    } as Tf;
    const start = tf.memory().numTensors;
    const r = nearestNeighbours(p, 3, { tf: failing, path: 'tf', blockRows: 100 });
    expect(products).toBeGreaterThan(2);
    expect(r.path).toBe('js');
    expect(tf.memory().numTensors).toBe(start);
    expectSame(nearestNeighbours(p, 3, { path: 'js' }), r);
  });
});

describe('progress and cancellation on the tfjs path', () => {
  it('reports rising progress up to 1, block by block', () => {
    const seen: number[] = [];
    nearestNeighbours(gaussianPoints(4, 1000, 20), 5, {
      tf,
      path: 'tf',
      blockRows: 100,
      onProgress: (f) => seen.push(f),
    });
    // 10 blocks: 55 block pairs on or above the diagonal.
    expect(seen.length).toBeGreaterThanOrEqual(55);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
  });

  it('stops between blocks with a cancelled BenchtopError and frees every tensor', () => {
    const start = tf.memory().numTensors;
    let checks = 0;
    let caught: unknown;
    try {
      nearestNeighbours(gaussianPoints(4, 1000, 20), 5, {
        tf,
        path: 'tf',
        blockRows: 100,
        isCancelled: () => ++checks > 3,
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BenchtopError);
    expect((caught as BenchtopError).code).toBe('cancelled');
    expect(checks).toBe(4);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a sampler run through resample() stops the same way', () => {
    const { cols, y } = {
      cols: Array.from({ length: 12 }, (_, f) =>
        numericColumn(
          `x${f}`,
          'number',
          Array.from({ length: 2500 }, (_, i) => ((i * (f + 3)) % 97) / 7),
        ),
      ),
      y: Array.from({ length: 2500 }, (_, i) => (i % 9 === 0 ? 1 : 0)),
    };
    const frame = makeFrame([...cols, numericColumn('y', 'integer', y)]);
    const start = tf.memory().numTensors;
    let calls = 0;
    expect(() =>
      resample(
        frame,
        { kind: 'tomek', params: {} },
        { target: 'y', seed: 0, tf, isCancelled: () => ++calls > 2 },
      ),
    ).toThrow(/cancelled/);
    expect(tf.memory().numTensors).toBe(start);
  });
});
