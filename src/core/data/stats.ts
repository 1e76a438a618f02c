// Numeric summaries over typed arrays, matching pandas' describe(): mean, sample std (n - 1),
// quantiles with linear interpolation (numpy's default), plus histogram bins with readable edges.
// Everything works on a sorted Float64Array of the non-missing values, so one sort per column
// gives quartiles, distinct counts and histogram counts.
import type { Histogram } from './profile-types';

export interface Moments {
  mean: number;
  /** Sample standard deviation (n - 1); NaN for fewer than 2 values. */
  std: number;
}

/** Mean and sample std in two passes (as numpy: sum, then squared deviations from the mean). */
export function moments(values: Float64Array): Moments {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  // Neumaier-compensated sums: stable for long columns, still one pass each.
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  const mean = (sum + c) / n;
  // One value has no sample spread; an infinite mean has no finite one.
  if (n < 2 || !Number.isFinite(mean)) return { mean, std: NaN };
  let ss = 0;
  let cs = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const v = d * d;
    const t = ss + v;
    cs += ss >= v ? ss - t + v : v - t + ss;
    ss = t;
  }
  return { mean, std: Math.sqrt((ss + cs) / (n - 1)) };
}

/**
 * Quantile q of ascending values with linear interpolation between the closest ranks
 * (numpy.percentile's default method, which pandas' describe() uses).
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const t = pos - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  if (t === 0 || a === b) return a;
  // numpy's _lerp: a + t(b - a), computed from the nearer end for accuracy.
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many values the built-in sort is as fast and allocates nothing. */
const SMALL = 4096;
/** Integer-valued columns whose range is at most this are counting-sorted. */
const COUNTING_RANGE = 1 << 20;

/**
 * Sorts ascending in place (NaN-free input). Profiles sort every numeric column, so this picks the
 * fastest exact method: counting sort for integers in a small range (codes, labels, years,
 * booleans), an LSD radix sort on the IEEE-754 bits for other large columns (about 3x faster than
 * Float64Array.prototype.sort on a million values), the built-in sort otherwise.
 */
export function sortNumbers(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < SMALL) return a.sort();
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && v !== Math.floor(v)) integral = false;
  }
  if (integral && Number.isFinite(min) && Number.isFinite(max) && max - min < COUNTING_RANGE) {
    const counts = new Int32Array(max - min + 1);
    for (let i = 0; i < n; i++) counts[a[i] - min]++;
    let at = 0;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k];
      if (c > 0) {
        a.fill(k + min, at, at + c);
        at += c;
      }
    }
    return a;
  }
  if (!LITTLE_ENDIAN) return a.sort();
  return radixSort(a);
}

/** LSD radix sort of doubles by their bits, 16 bits per pass, skipping passes with one digit. */
function radixSort(a: Float64Array): Float64Array {
  const n = a.length;
  let keys: Uint32Array = new Uint32Array(a.buffer, a.byteOffset, n * 2); // [lo, hi] per value (little-endian)
  // Make the bits order like the numbers: flip all bits of negatives, the sign bit of the rest.
  for (let i = 0; i < n; i++) {
    const hi = keys[2 * i + 1];
    if (hi & 0x80000000) {
      keys[2 * i + 1] = ~hi;
      keys[2 * i] = ~keys[2 * i];
    } else keys[2 * i + 1] = hi | 0x80000000;
  }
  let other: Uint32Array = new Uint32Array(n * 2);
  const counts = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1; // 0: lo, 1: hi
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[2 * i + word] >>> shift) & 0xffff]++;
    if (counts[(keys[word] >>> shift) & 0xffff] === n) continue; // every value has this digit
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = keys[2 * i];
      const hi = keys[2 * i + 1];
      const j = counts[((word ? hi : lo) >>> shift) & 0xffff]++;
      other[2 * j] = lo;
      other[2 * j + 1] = hi;
    }
    const t = keys;
    keys = other;
    other = t;
  }
  for (let i = 0; i < n; i++) {
    const hi = keys[2 * i + 1];
    if (hi & 0x80000000) keys[2 * i + 1] = hi & 0x7fffffff;
    else {
      keys[2 * i + 1] = ~hi;
      keys[2 * i] = ~keys[2 * i];
    }
  }
  if (keys.buffer !== a.buffer) a.set(new Float64Array(keys.buffer, keys.byteOffset, n));
  return a;
}

/** Number of distinct values in an ascending array. */
export function distinctSorted(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  let unique = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) unique++;
  return unique;
}

/** A "nice" step (1, 2, 2.5 or 5 times a power of ten) at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * power >= raw * (1 - 1e-12)) return m * power;
  }
  return 10 * power;
}

const DAY = 86_400_000;
const TARGET_BINS = 20;

/** Counts ascending values into bins: counts[i] covers [edges[i], edges[i+1]), the last bin closed. */
function countInto(sorted: Float64Array, edges: number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    while (bin < bins - 1 && v >= edges[bin + 1]) bin++;
    counts[bin]++;
  }
  return counts;
}

/**
 * Histogram of ascending values: about 20 bins with round edges. Integers spanning at most
 * `TARGET_BINS` + 10 values get one bin per value (edges at v - 0.5 and v + 0.5) so bars read as
 * counts of each value. Dates use whole days once the range covers more than 20 days.
 */
export function histogramSorted(
  sorted: Float64Array,
  kind: 'integer' | 'number' | 'date',
): Histogram | null {
  const n = sorted.length;
  if (n === 0) return null;
  const min = sorted[0];
  const max = sorted[n - 1];
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (kind === 'integer' && max - min <= TARGET_BINS + 10) {
    const edges: number[] = [];
    for (let v = min; v <= max + 1; v++) edges.push(v - 0.5);
    return { edges, counts: countInto(sorted, edges) };
  }
  if (min === max) {
    const pad = kind === 'date' ? DAY / 2 : Math.max(Math.abs(min) * 0.05, 0.5);
    return { edges: [min - pad, max + pad], counts: [n] };
  }
  let step = niceStep((max - min) / TARGET_BINS);
  if (kind === 'date' && max - min >= TARGET_BINS * DAY)
    step = niceStep((max - min) / DAY / TARGET_BINS) * DAY;
  if (kind === 'integer') step = Math.max(1, Math.ceil(step));
  const start = Math.floor(min / step) * step;
  let bins = Math.max(1, Math.ceil((max - start) / step));
  // max on the last edge belongs to the last (closed) bin, so no extra empty bin is needed.
  if (start + bins * step < max) bins++;
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(roundEdge(start + i * step, step));
  return { edges, counts: countInto(sorted, edges) };
}

/** Removes float noise from an edge (0.30000000000000004 -> 0.3) at the step's precision. */
function roundEdge(x: number, step: number): number {
  const digits = Math.max(0, Math.min(15, -Math.floor(Math.log10(step)) + 2));
  return Number(x.toFixed(digits));
}
