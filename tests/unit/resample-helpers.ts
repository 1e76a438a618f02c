// Shared by the neighbour-search tests (resample-neighbours-simd, resample-neighbours-tf,
// tests/properties/resample): seeded point sets (a coarse grid full of exact ties and duplicate
// rows; Gaussian clouds at any scale and offset) and the brute-force reference every search path
// must equal: exact squared distance plus SMOTE-NC's mismatch penalty, ties to the lower index, as
// scikit-learn's NearestNeighbors orders them.
import { createRng } from '../../src/core/rng';
import type { PointSet } from '../../src/core/resample';

/** Values on a grid of `grid` steps of 1/4: exact duplicates and many equal distances. */
export function gridPoints(seed: number, rows: number, dims: number, grid: number): PointSet {
  const rng = createRng(seed);
  const values = new Float64Array(rows * dims);
  for (let i = 0; i < values.length; i++) values[i] = Math.floor(rng() * grid) / 4 - 1;
  return { rows, dims, values };
}

export function gaussianPoints(
  seed: number,
  rows: number,
  dims: number,
  scale = 1,
  offset = 0,
): PointSet {
  const rng = createRng(seed);
  const values = new Float64Array(rows * dims);
  for (let i = 0; i < values.length; i++) {
    const u = 1 - rng();
    values[i] = offset + scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  }
  return { rows, dims, values };
}

/** Brute force: row's k nearest other rows in (exact distance, index) order. */
export function brute(p: PointSet, row: number, k: number): number[] {
  const d: [number, number][] = [];
  for (let j = 0; j < p.rows; j++) {
    if (j === row) continue;
    let s = 0;
    for (let f = 0; f < p.dims; f++)
      s += (p.values[row * p.dims + f] - p.values[j * p.dims + f]) ** 2;
    if (p.codes && p.cats) {
      for (let c = 0; c < p.cats; c++)
        if (p.codes[row * p.cats + c] !== p.codes[j * p.cats + c]) s += p.mismatch ?? 0;
    }
    d.push([s, j]);
  }
  d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return d.slice(0, k).map((x) => x[1]);
}
