// The order statistics behind impute.median and scale.robust use quickselect rather than a sort;
// they must give exactly (bit for bit) what sorting and NumPy's linear interpolation give, on
// seeded random arrays with duplicates, already sorted or reversed input, and constant input.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng';
import { median, mode, percentile, select } from '../../../src/core/steps/stats';

/** The reference: sort, then NumPy's 'linear' method with its two-sided lerp. */
function refPercentile(values: Float64Array, q: number): number {
  const s = values.slice().sort();
  const n = s.length;
  if (n === 1) return s[0];
  const index = (n - 1) * (q / 100);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, n - 1);
  const t = index - lo;
  const d = s[hi] - s[lo];
  return t >= 0.5 ? s[hi] - d * (1 - t) : s[lo] + d * t;
}

function refMedian(values: Float64Array): number {
  const s = values.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function inputs(): { name: string; values: Float64Array }[] {
  const rng = createRng(99);
  const out: { name: string; values: Float64Array }[] = [];
  for (const n of [1, 2, 3, 4, 5, 10, 11, 100, 1001, 5000]) {
    out.push({
      name: `uniform ${n}`,
      values: Float64Array.from({ length: n }, () => rng() * 200 - 100),
    });
    out.push({
      name: `few values ${n}`,
      values: Float64Array.from({ length: n }, () => Math.floor(rng() * 3)),
    });
    out.push({ name: `sorted ${n}`, values: Float64Array.from({ length: n }, (_, i) => i) });
    out.push({ name: `reversed ${n}`, values: Float64Array.from({ length: n }, (_, i) => n - i) });
    out.push({ name: `constant ${n}`, values: new Float64Array(n).fill(0.1) });
  }
  return out;
}

describe('quickselect order statistics equal sorting', () => {
  it('select returns the k-th smallest and partitions around it', () => {
    for (const { name, values } of inputs()) {
      const sorted = values.slice().sort();
      for (const k of [0, values.length >> 1, values.length - 1]) {
        const a = values.slice();
        expect(select(a, k), `${name} k=${k}`).toBe(sorted[k]);
        const left = a.subarray(0, k).every((x) => x <= a[k]);
        const right = a.subarray(k + 1).every((x) => x >= a[k]);
        expect(left && right, `${name} k=${k} partitioned`).toBe(true);
      }
    }
  });

  it('median and percentiles are bit-identical to the sorted reference', () => {
    for (const { name, values } of inputs()) {
      expect(median(values.slice()), name).toBe(refMedian(values));
      for (const q of [0, 10, 25, 33.3, 50, 75, 90, 99.9, 100]) {
        expect(percentile(values.slice(), q), `${name} q=${q}`).toBe(refPercentile(values, q));
      }
    }
  });

  it('mode takes the smallest of tied values, as scipy.stats.mode', () => {
    expect(mode(new Float64Array([1, 1, 2, 2, 3]))).toBe(1);
    expect(mode(new Float64Array([-3, 5, 5, 7, 7, 7]))).toBe(7);
  });
});
