// The WebAssembly SIMD pair kernels of the exact neighbour search (src/core/resample/neighbours-simd.ts
// under nearestNeighbours: float32 first, float64 when float32 leaves too many rows open) must give
// exactly what the TypeScript loops give: the same neighbours in the same order with the same
// float64 distances, lower index first on ties. Checked for the default (f32, then f64) and the
// float64 kernel alone on real data (vega seattle-weather and penguins, scikit-learn's
// breast_cancer from tests/fixtures/cv), on seeded grids full of exact duplicates and equal
// distances, row counts that are not multiples of the tile, across block edges (small blocks),
// k = 1 and k = 5, a large offset, tiny values, and through Tomek links. Also: each pair j > i comes
// back exactly once, with the TypeScript distance bit for bit (f64) or within the error bound
// (f32); points with categorical codes (SMOTE-NC) go to the TypeScript loops; progress and
// cancellation between blocks; the TypeScript fallback where WebAssembly is missing.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { frameFromTable, type Frame } from '../../src/core/data/frame';
import { bytesSource, ingest } from '../../src/core/ingest/index';
import {
  nearestNeighbours,
  resample,
  tomekLinks,
  type Neighbours,
  type PointSet,
} from '../../src/core/resample';
import { usesSimd } from '../../src/core/resample/neighbours';
import {
  ROW_ALIGN,
  simdAvailable,
  simdPairs,
  TILE_A,
  tileRowsB,
  type Precision,
} from '../../src/core/resample/neighbours-simd';
import { gaussianPoints, gridPoints, brute } from './resample-helpers';

function expectSame(a: Neighbours, b: Neighbours): void {
  expect(b.k).toBe(a.k);
  expect(b.index.length).toBe(a.index.length);
  // Row by row, so a failure names the row; Object.is-equal distances (toEqual on numbers).
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

/**
 * The search with the kernels (f32 first, as by default), the float64 kernel alone and the
 * TypeScript loops; each must say which ran, and the three must agree exactly.
 */
function bothKernels(p: PointSet, k: number, blockRows?: number) {
  const block = blockRows ? { blockRows } : {};
  const viaSimd = nearestNeighbours(p, k, { simd: true, ...block });
  const viaF64 = nearestNeighbours(p, k, { simd: 'f64', ...block });
  const viaTs = nearestNeighbours(p, k, { simd: false });
  expect(viaSimd.path).toBe('js');
  expect(['f32', 'f64']).toContain(viaSimd.simd);
  expect(viaF64.simd).toBe('f64');
  expect(viaTs.simd).toBeUndefined();
  expectSame(viaTs, viaF64);
  return { viaSimd, viaTs };
}

function numericMatrix(frame: Frame, names: string[]): PointSet {
  const cols = names.map((n) => {
    const c = frame.columns.find((x) => x.name === n);
    if (!c || !('values' in c)) throw new Error(`no numeric column ${n}`);
    return c.values as Float64Array;
  });
  const rows: number[] = [];
  for (let i = 0; i < frame.rows; i++) if (cols.every((v) => !Number.isNaN(v[i]))) rows.push(i);
  const dims = names.length;
  const values = new Float64Array(rows.length * dims);
  rows.forEach((i, r) => cols.forEach((v, f) => (values[r * dims + f] = v[i])));
  return { rows: rows.length, dims, values };
}

async function readFrame(name: string, path: string): Promise<Frame> {
  const { table, schema } = await ingest(bytesSource(name, readFileSync(path)));
  return frameFromTable(table, schema);
}

it('this runtime (Node) has WebAssembly SIMD, so the kernel is what these tests exercise', () => {
  expect(simdAvailable()).toBe(true);
});

describe('the kernel itself', () => {
  it('reports every pair j > i exactly once, with the TypeScript distance bit for bit', () => {
    // 45 rows (not a multiple of the tile) x 7 features, blocks of 16 rows.
    const { rows, dims, values } = gaussianPoints(21, 45, 7, 3, 2);
    const mean = new Float64Array(dims);
    for (let i = 0; i < rows; i++) for (let f = 0; f < dims; f++) mean[f] += values[i * dims + f];
    for (let f = 0; f < dims; f++) mean[f] /= rows;
    const seen = new Map<string, number>();
    let tile: Float64Array | Float32Array = new Float64Array(0);
    const tr = tileRowsB('f64');
    const kernel = simdPairs(values, rows, dims, mean, 'f64', (a, b) => {
      for (let r = 0; r < TILE_A; r++)
        for (let c = 0; c < tr; c++) {
          const [i, j] = [a + r, b + c];
          if (j > i && j < rows) {
            const key = `${i},${j}`;
            expect(seen.has(key), key).toBe(false);
            seen.set(key, tile[r * tr + c]);
          }
        }
    });
    expect(kernel).not.toBeNull();
    tile = kernel!.tile;
    expect(kernel!.paddedRows).toBe(48);
    // Infinite cut-offs: every tile is reported.
    for (let i0 = 0; i0 < 48; i0 += 16)
      for (let j0 = i0; j0 < 48; j0 += 16) kernel!.run(i0, i0 + 16, j0, j0 + 16);
    // The TypeScript loops' formula: centred values, norms and dot products summed feature by feature.
    const x = Float64Array.from(values, (v, t) => v - mean[t % dims]);
    const norm = (i: number) => {
      let s = 0;
      for (let f = 0; f < dims; f++) s += x[i * dims + f] * x[i * dims + f];
      return s;
    };
    expect(seen.size).toBe((rows * (rows - 1)) / 2);
    for (let i = 0; i < rows; i++) {
      expect(kernel!.norms[i]).toBe(norm(i));
      for (let j = i + 1; j < rows; j++) {
        let s = 0;
        for (let f = 0; f < dims; f++) s += x[i * dims + f] * x[j * dims + f];
        expect(seen.get(`${i},${j}`), `${i},${j}`).toBe(norm(i) + norm(j) - 2 * s);
      }
    }
    kernel!.release();
  });

  it('float32: every pair j > i once, each within the error bound of the exact distance', () => {
    // 45 rows x 7 features far from zero and of mixed scales; blocks of 16 rows.
    const { rows, dims, values } = gaussianPoints(23, 45, 7, 1e3, 5e4);
    const mean = new Float64Array(dims);
    for (let i = 0; i < rows; i++) for (let f = 0; f < dims; f++) mean[f] += values[i * dims + f];
    for (let f = 0; f < dims; f++) mean[f] /= rows;
    const seen = new Map<string, number>();
    let tile: Float64Array | Float32Array = new Float32Array(0);
    const tr = tileRowsB('f32');
    const kernel = simdPairs(values, rows, dims, mean, 'f32', (a, b) => {
      for (let r = 0; r < TILE_A; r++)
        for (let c = 0; c < tr; c++) {
          const [i, j] = [a + r, b + c];
          if (j > i && j < rows) {
            expect(seen.has(`${i},${j}`)).toBe(false);
            seen.set(`${i},${j}`, tile[r * tr + c]);
          }
        }
    })!;
    tile = kernel.tile;
    // The scale is a power of two putting the largest centred value in (1/2, 1].
    const x = Float64Array.from(values, (v, t) => v - mean[t % dims]);
    const maxAbs = Math.max(...x.map(Math.abs));
    expect(Number.isInteger(Math.log2(kernel.scale))).toBe(true);
    expect(maxAbs * kernel.scale).toBeGreaterThan(0.5);
    expect(maxAbs * kernel.scale).toBeLessThanOrEqual(1);
    for (let i0 = 0; i0 < 48; i0 += 16)
      for (let j0 = i0; j0 < 48; j0 += 16) kernel.run(i0, i0 + 16, j0, j0 + 16);
    expect(seen.size).toBe((rows * (rows - 1)) / 2);
    const n = Array.from({ length: rows }, (_, i) => kernel.norms[i]);
    const maxN = Math.max(...n);
    for (let i = 0; i < rows; i++) {
      for (let j = i + 1; j < rows; j++) {
        let exact = 0;
        for (let f = 0; f < dims; f++) exact += (values[i * dims + f] - values[j * dims + f]) ** 2;
        const approx = seen.get(`${i},${j}`)! / kernel.scale ** 2;
        // neighbours.ts's float32 bound: 4(dims + 6)·2⁻²⁴·(Nᵢ + max N), in the scaled units.
        const bound = (4 * (dims + 6) * 2 ** -24 * (n[i] + maxN)) / kernel.scale ** 2;
        expect(Math.abs(approx - exact), `${i},${j}`).toBeLessThanOrEqual(bound);
        // ...and float32 is really in use: not the float64 distance.
        if (i === 0 && j === 1) expect(approx).not.toBe(exact);
      }
    }
    kernel.release();
  });

  it('reports only tiles with a distance below a cut-off', () => {
    const p = gaussianPoints(22, 64, 5);
    let hits = 0;
    const kernel = simdPairs(p.values, p.rows, p.dims, new Float64Array(5), 'f64', () => hits++)!;
    kernel.cuts.fill(-1);
    kernel.run(0, 64, 0, 64);
    expect(hits).toBe(0);
    // Row 37's cut-off alone above every distance: its tiles come back (as a or as b), no others.
    const tiles = new Set<string>();
    const k2 = simdPairs(p.values, p.rows, p.dims, new Float64Array(5), 'f64', (a, b) =>
      tiles.add(`${a},${b}`),
    )!;
    k2.cuts.fill(-1);
    k2.cuts[37] = Infinity;
    k2.run(0, 64, 0, 64);
    // a = 36 (row 37 in a) against b = 36..60, and a = 0..36 against b = 36.
    const expected = new Set<string>();
    for (let b = 36; b < 64; b += tileRowsB('f64')) expected.add(`36,${b}`);
    for (let a = 0; a <= 36; a += TILE_A) expected.add(`${a},36`);
    expect(tiles).toEqual(expected);
    kernel.release();
    k2.release();
  });
});

describe('kernel = TypeScript loops, ties to the lower index', () => {
  it.each([
    // seed, rows, dims, k, grid, rows per block
    [1, 40, 2, 1, 6, 8],
    [2, 301, 3, 5, 8, 64],
    [3, 603, 5, 3, 10, 128],
    [4, 530, 30, 5, 5, 96],
    [5, 257, 1, 4, 3, 24],
    [6, 701, 7, 1, 4, 256],
    [7, 1503, 12, 5, 6, undefined],
    [8, 333, 30, 1, 3, 16],
  ])(
    'grid data, seed %i: %i rows x %i dims, k = %i, grid %i, blocks of %s rows',
    (seed, rows, dims, k, grid, block) => {
      const p = gridPoints(seed, rows, dims, grid);
      const { viaSimd, viaTs } = bothKernels(p, k, block);
      expectSame(viaTs, viaSimd);
      // Coarse grids: some rows' candidates cannot settle them and the exact scan ran.
      expect(viaSimd.rechecked).toBeGreaterThan(0);
      for (const r of [0, 1, rows >> 1, rows - 1]) {
        expect([...viaSimd.index.subarray(r * k, r * k + k)]).toEqual(brute(p, r, k));
      }
    },
  );

  it('300 rows that are all the same point: every row takes the lowest other indices', () => {
    const p: PointSet = { rows: 300, dims: 3, values: new Float64Array(900).fill(0.7) };
    const { viaSimd, viaTs } = bothKernels(p, 4, 16);
    expectSame(viaTs, viaSimd);
    // No row can be settled by a bound: float32 leaves them all open, so the float64 kernel ran.
    expect(viaSimd.simd).toBe('f64');
    expect(viaSimd.rechecked).toBe(300);
    expect([...viaSimd.index.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect([...viaSimd.index.subarray(150 * 4, 151 * 4)]).toEqual([0, 1, 2, 3]);
    expect([...viaSimd.distance.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ['standard normal', 1, 0],
    ['a large offset (1e6 + N(0, 1e-2)): centring keeps the products exact enough', 1e-2, 1e6],
    ['a tiny scale (1e-150)', 1e-150, 0],
  ])('continuous data, %s', (_name, scale, offset) => {
    const p = gaussianPoints(11, 901, 20, scale, offset);
    for (const k of [1, 5]) {
      const { viaSimd, viaTs } = bothKernels(p, k, 200);
      expectSame(viaTs, viaSimd);
      // Continuous data: float32 settles nearly every row, the float64 kernel is not needed.
      expect(viaSimd.simd).toBe('f32');
      expect(viaSimd.rechecked!).toBeLessThan(901 / 16);
      for (const r of [0, 450, 900])
        expect([...viaSimd.index.subarray(r * k, r * k + k)]).toEqual(brute(p, r, k));
    }
  });
});

describe('real data', () => {
  it('vega seattle-weather (1,461 days x 4 numbers to 0.1: many ties and duplicates): k = 1 and 5', async () => {
    const frame = await readFrame(
      'seattle-weather.csv',
      'node_modules/vega-datasets/data/seattle-weather.csv',
    );
    const p = numericMatrix(frame, ['precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(p.rows).toBe(1461);
    for (const k of [1, 5]) {
      for (const block of [40, undefined]) {
        const { viaSimd, viaTs } = bothKernels(p, k, block);
        expectSame(viaTs, viaSimd);
      }
    }
    const r = nearestNeighbours(p, 5, { simd: true });
    for (const row of [0, 100, 730, 1460])
      expect([...r.index.subarray(row * 5, row * 5 + 5)]).toEqual(brute(p, row, 5));
  });

  it('breast_cancer (569 x 30, tests/fixtures/cv): k = 1 and 5, small and default blocks', async () => {
    const frame = await readFrame('breast_cancer.csv', 'tests/fixtures/cv/breast_cancer.csv');
    const names = frame.columns.map((c) => c.name).filter((n) => n !== 'target');
    expect(names.length).toBe(30);
    const p = numericMatrix(frame, names);
    expect(p.rows).toBe(569);
    for (const k of [1, 5]) {
      for (const block of [56, undefined]) {
        const { viaSimd, viaTs } = bothKernels(p, k, block);
        expectSame(viaTs, viaSimd);
      }
    }
  });

  it('vega penguins (342 complete rows x 4): k = 1 and 5, also with Island and Sex as codes (TypeScript)', async () => {
    const rowsJson = JSON.parse(
      readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8'),
    ) as Record<string, string | number | null>[];
    const names = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
    const complete = rowsJson.filter((r) => names.every((n) => typeof r[n] === 'number'));
    expect(complete.length).toBe(342);
    const dims = names.length;
    const values = new Float64Array(complete.length * dims);
    complete.forEach((r, i) => names.forEach((n, f) => (values[i * dims + f] = r[n] as number)));
    const p: PointSet = { rows: complete.length, dims, values };
    for (const k of [1, 5]) {
      const { viaSimd, viaTs } = bothKernels(p, k, 32);
      expectSame(viaTs, viaSimd);
    }
    // SMOTE-NC's points: categorical codes with a mismatch penalty go to the TypeScript loops.
    const cats = 2;
    const codeOf = new Map<string, number>();
    const codes = new Int32Array(complete.length * cats);
    complete.forEach((r, i) =>
      ['Island', 'Sex'].forEach((n, c) => {
        const key = `${n}=${String(r[n])}`;
        if (!codeOf.has(key)) codeOf.set(key, codeOf.size);
        codes[i * cats + c] = codeOf.get(key)!;
      }),
    );
    const mixed: PointSet = { ...p, cats, codes, mismatch: 150 };
    expect(usesSimd(mixed, { simd: true })).toBe(false);
    const withCodes = nearestNeighbours(mixed, 5, { simd: true });
    expect(withCodes.simd).toBeUndefined();
    expectSame(nearestNeighbours(mixed, 5, { simd: false }), withCodes);
    for (const r of [0, 100, 341])
      expect([...withCodes.index.subarray(r * 5, r * 5 + 5)]).toEqual(brute(mixed, r, 5));
  });

  it('Tomek links through resample() on seattle-weather equal the links from the TypeScript loops', async () => {
    const frame = await readFrame(
      'seattle-weather.csv',
      'node_modules/vega-datasets/data/seattle-weather.csv',
    );
    const numeric = ['precipitation', 'temp_max', 'temp_min', 'wind'];
    const keep = new Set([...numeric, 'weather']);
    const small: Frame = { ...frame, columns: frame.columns.filter((c) => keep.has(c.name)) };
    const out = resample(
      small,
      { kind: 'tomek', params: { samplingStrategy: 'all' } },
      { target: 'weather', seed: 0, neighbours: 'js' },
    );
    const weather = frame.columns.find((c) => c.name === 'weather') as { codes: Int32Array };
    const nn = nearestNeighbours(numericMatrix(frame, numeric), 1, { simd: false });
    const classes = Math.max(...weather.codes) + 1;
    const links = tomekLinks(weather.codes, nn.index, new Array<boolean>(classes).fill(true));
    const removed = links.reduce((s, x) => s + x, 0);
    expect(removed).toBeGreaterThan(0);
    expect(out.frame.rows).toBe(frame.rows - removed);
    // The kept rows, in their input order, are the rows outside the links.
    const kept = [...links.keys()].filter((i) => !links[i]);
    for (const name of numeric) {
      const before = frame.columns.find((c) => c.name === name) as { values: Float64Array };
      const after = out.frame.columns.find((c) => c.name === name) as { values: Float64Array };
      expect([...after.values], name).toEqual(kept.map((i) => before.values[i]));
    }
  });
});

describe('choice of kernel, progress and cancellation', () => {
  it('the kernel runs by default from 8,192 values (rows x features), never for categorical codes, never when refused', () => {
    const big = gaussianPoints(1, 1366, 6);
    const small = gaussianPoints(1, 1365, 6);
    expect(usesSimd(big)).toBe(true);
    expect(usesSimd(big, { simd: false })).toBe(false);
    expect(usesSimd(small)).toBe(false);
    expect(usesSimd(small, { simd: true })).toBe(true);
    expect(nearestNeighbours(big, 3).simd).toBe('f32');
    expect(nearestNeighbours(big, 3, { simd: 'f64' }).simd).toBe('f64');
    expect(nearestNeighbours(small, 3).simd).toBeUndefined();
    const codes = new Int32Array(1366).map((_, i) => i % 3);
    expect(usesSimd({ ...big, cats: 1, codes, mismatch: 1 })).toBe(false);
    expect(ROW_ALIGN % TILE_A).toBe(0);
    for (const precision of ['f32', 'f64'] as Precision[])
      expect(ROW_ALIGN % tileRowsB(precision)).toBe(0);
  });

  it('reports rising progress up to 1, block by block', () => {
    const seen: number[] = [];
    nearestNeighbours(gaussianPoints(4, 1000, 20), 5, {
      simd: true,
      blockRows: 100,
      onProgress: (f) => seen.push(f),
    });
    // 1,000 rows in blocks of 104: 10 blocks, then the end.
    expect(seen.length).toBe(11);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });

  it('stops between blocks with a cancelled BenchtopError; the next search is unaffected', () => {
    const p = gaussianPoints(4, 1000, 20);
    let checks = 0;
    let caught: unknown;
    try {
      nearestNeighbours(p, 5, { simd: true, blockRows: 100, isCancelled: () => ++checks > 3 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BenchtopError);
    expect((caught as BenchtopError).code).toBe('cancelled');
    expect(checks).toBe(4);
    // The cancelled search gave its memory back; the next one (which may reuse it) is exact.
    expectSame(nearestNeighbours(p, 5, { simd: false }), nearestNeighbours(p, 5, { simd: true }));
  });
});

describe('where WebAssembly is missing', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the TypeScript loops answer, with the same neighbours', async () => {
    const p = gridPoints(9, 400, 6, 5);
    const expected = nearestNeighbours(p, 5, { simd: true });
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/core/resample/neighbours');
    const simd = await import('../../src/core/resample/neighbours-simd');
    expect(simd.simdAvailable()).toBe(false);
    expect(fresh.usesSimd(p, { simd: true })).toBe(false);
    const r = fresh.nearestNeighbours(p, 5, { simd: true });
    expect(r.simd).toBeUndefined();
    expectSame(expected, r);
  });
});
