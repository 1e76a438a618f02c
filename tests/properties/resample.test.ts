// Invariants of the samplers and the neighbour search over many seeded random inputs: sizes,
// dimensions, class counts and k vary, values are drawn from a coarse grid so exact duplicates and
// equal distances happen. The neighbour search must equal a brute-force (distance, index) sort —
// lower index first on ties — for every row, including rows that span several blocks.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn, type Frame } from '../../src/core/data/frame';
import { createRng } from '../../src/core/rng';
import {
  nearestNeighbours,
  readTarget,
  resample,
  ORIGINAL,
  SYNTHETIC,
  type PointSet,
} from '../../src/core/resample';
import { gridPoints, brute } from '../unit/resample-helpers';

describe('nearestNeighbours = brute force, ties to the lower index', () => {
  it.each([
    [1, 40, 2, 1, 6],
    [2, 300, 3, 5, 8],
    [3, 600, 5, 3, 10],
    [4, 530, 30, 5, 5],
    [5, 257, 1, 4, 3],
    [6, 700, 7, 1, 4],
  ])('seed %i: %i rows x %i dims, k = %i, grid %i', (seed, rows, dims, k, grid) => {
    const p = gridPoints(seed, rows, dims, grid);
    const nn = nearestNeighbours(p, k);
    for (let r = 0; r < rows; r++) {
      expect([...nn.index.subarray(r * k, r * k + k)], `row ${r}`).toEqual(brute(p, r, k));
    }
  });
});

function randomFrame(seed: number): { frame: Frame; k: number } {
  const rng = createRng(seed);
  const classes = 2 + Math.floor(rng() * 3);
  const dims = 1 + Math.floor(rng() * 6);
  const k = 1 + Math.floor(rng() * 5);
  const rows = 30 + Math.floor(rng() * 250);
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    // Skewed classes, every class with more than k rows.
    y.push(i < classes * (k + 1) ? i % classes : Math.floor(rng() ** 2 * classes));
  }
  const cols = Array.from({ length: dims }, (_, f) =>
    numericColumn(
      `x${f}`,
      'number',
      y.map((c) => Math.round((rng() * 4 + c) * 8) / 8),
    ),
  );
  return { frame: makeFrame([...cols, numericColumn('y', 'integer', y)]), k };
}

describe.each(Array.from({ length: 25 }, (_, i) => [i + 1]))('generated data, seed %i', (seed) => {
  const { frame, k } = randomFrame(seed);
  const t = readTarget(frame, 'y');
  const dims = frame.columns.length - 1;
  const value = (f: Frame, i: number, c: number) =>
    (f.columns[c] as { values: Float64Array }).values[i];

  it('SMOTE: counts, originals kept, every synthetic row on a segment to a k-nearest same-class row', () => {
    const before = structuredClone(frame);
    const r = resample(frame, { kind: 'smote', params: { kNeighbors: k } }, { target: 'y', seed });
    expect(frame).toEqual(before);
    const max = Math.max(...t.counts);
    expect(r.classes.map((c) => c.after)).toEqual(t.counts.map(() => max));
    expect(r.frame.rows).toBe(max * t.counts.length);
    for (let i = 0; i < frame.rows; i++) {
      expect(r.origin[i]).toBe(ORIGINAL);
      for (let c = 0; c <= dims; c++) expect(value(r.frame, i, c)).toBe(value(frame, i, c));
    }
    const originals = new Set(
      Array.from({ length: frame.rows }, (_, i) =>
        Array.from({ length: dims }, (_, c) => value(frame, i, c)).join(','),
      ),
    );
    // Brute-force neighbour sets within each class (with ties the k-th may be any of the tied).
    const rowsOf = t.labels.map((_, c) => [...t.classOf.keys()].filter((i) => t.classOf[i] === c));
    const dist = (a: number, b: number) => {
      let s = 0;
      for (let c = 0; c < dims; c++) s += (value(frame, a, c) - value(frame, b, c)) ** 2;
      return s;
    };
    for (let i = frame.rows; i < r.frame.rows; i++) {
      expect(r.origin[i]).toBe(SYNTHETIC);
      const p = r.source[i];
      const q = r.neighbour[i];
      expect(t.classOf[q]).toBe(t.classOf[p]);
      expect(q).not.toBe(p);
      const others = rowsOf[t.classOf[p]].filter((j) => j !== p).map((j) => dist(p, j));
      others.sort((a, b) => a - b);
      expect(dist(p, q)).toBeLessThanOrEqual(others[k - 1]);
      const u = r.gap[i];
      let same = true;
      const row: number[] = [];
      for (let c = 0; c < dims; c++) {
        const x = value(frame, p, c);
        const y = value(frame, q, c);
        same &&= x === y;
        const v = value(r.frame, i, c);
        row.push(v);
        expect(v).toBe(x + u * (y - x));
      }
      expect(value(r.frame, i, dims)).toBe(value(frame, p, dims));
      if (!same) expect(originals.has(row.join(','))).toBe(false);
    }
  });

  it('same seed, same rows; another seed, other rows', () => {
    const run = (s: number) =>
      resample(frame, { kind: 'smote', params: { kNeighbors: k } }, { target: 'y', seed: s });
    const a = run(seed);
    expect(run(seed).frame).toEqual(a.frame);
    expect(run(seed + 1000).gap).not.toEqual(a.gap);
  });

  it('random over / under-sampling hit the counts; under-sampling keeps distinct input rows in order', () => {
    // The counts in the output frame's target column, not only the ones the sampler reports.
    const countsIn = (f: Frame) => readTarget(f, 'y').counts;
    const over = resample(frame, { kind: 'random-over', params: {} }, { target: 'y', seed });
    const max = Math.max(...t.counts);
    expect(over.classes.map((c) => c.after)).toEqual(t.counts.map(() => max));
    expect(countsIn(over.frame)).toEqual(t.counts.map(() => max));
    for (let i = 0; i < frame.rows; i++) expect(over.source[i]).toBe(i);
    const under = resample(frame, { kind: 'random-under', params: {} }, { target: 'y', seed });
    const min = Math.min(...t.counts);
    expect(under.classes.map((c) => c.after)).toEqual(t.counts.map(() => min));
    expect(countsIn(under.frame)).toEqual(t.counts.map(() => min));
    for (let i = 1; i < under.source.length; i++)
      expect(under.source[i]).toBeGreaterThan(under.source[i - 1]);
    // Each kept row is its input row, value for value.
    for (let i = 0; i < under.frame.rows; i++)
      for (let c = 0; c <= dims; c++)
        expect(value(under.frame, i, c)).toBe(value(frame, under.source[i], c));
  });

  it('Tomek: removed rows are exactly the non-minority ends of mutual nearest pairs (brute force)', () => {
    const r = resample(frame, { kind: 'tomek', params: {} }, { target: 'y', seed });
    const all: PointSet = {
      rows: frame.rows,
      dims,
      values: Float64Array.from({ length: frame.rows * dims }, (_, o) =>
        value(frame, Math.floor(o / dims), o % dims),
      ),
    };
    const nn = Array.from({ length: frame.rows }, (_, i) => brute(all, i, 1)[0]);
    let minority = 0;
    t.counts.forEach((n, c) => (minority = n < t.counts[minority] ? c : minority));
    const kept = new Set(r.source);
    for (let i = 0; i < frame.rows; i++) {
      const j = nn[i];
      const link = t.classOf[j] !== t.classOf[i] && nn[j] === i && t.classOf[i] !== minority;
      expect(kept.has(i), `row ${i}`).toBe(!link);
    }
  });
});
