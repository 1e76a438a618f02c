// The counting behind ROC and precision-recall curves: scikit-learn's _binary_clf_curve. Rows are
// sorted by score, highest first; at each distinct score (the thresholds, decreasing) we count the
// true and false positives among rows scoring at least that much. Tied scores form one step, so
// the curves (and the areas under them) do not depend on the order of tied rows. A report counts
// each class once (`countClass`) and derives ROC-AUC, the ROC curve, average precision and the PR
// curve from that one sort (roc.ts, average-precision.ts), instead of sorting the scores per metric.
import { BenchtopError } from '../errors';

export interface ClfCurve {
  /** False positives at each threshold (rows with score >= threshold that are negatives). */
  fps: Float64Array;
  tps: Float64Array;
  /** Distinct scores, decreasing. */
  thresholds: Float64Array;
}

export function binaryClfCurve(truth: ArrayLike<number>, scores: ArrayLike<number>): ClfCurve {
  const n = truth.length;
  if (scores.length !== n) {
    throw new BenchtopError(
      'invalid-argument',
      `A curve needs one score per row: ${n} labels but ${scores.length} scores.`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) {
      throw new BenchtopError(
        'invalid-argument',
        `The model returned no score (NaN) for row ${i + 1}, so no ROC or PR curve can be drawn. The model's training probably diverged: lower the learning rate or scale the features.`,
        { row: i + 1 },
      );
    }
  }
  // Two numeric sorts, of the negatives' and of the positives' scores (together cheaper than
  // sorting every score, and far cheaper than sorting row indices with a comparator, which calls
  // back into JS n·log n times), then one walk down both from the highest score: at each distinct
  // score, the rows at or above it are counted on each side. Ties stay one step.
  let positives = 0;
  for (let i = 0; i < n; i++) if (truth[i]) positives++;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(n - positives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (truth[i]) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  sortScores(pos);
  sortScores(neg);
  const fps = new Float64Array(n);
  const tps = new Float64Array(n);
  const thresholds = new Float64Array(n);
  let steps = 0;
  let p = positives - 1;
  let q = n - positives - 1;
  while (p >= 0 || q >= 0) {
    const s = q < 0 || (p >= 0 && pos[p] > neg[q]) ? pos[p] : neg[q];
    while (p >= 0 && pos[p] === s) p--;
    while (q >= 0 && neg[q] === s) q--;
    tps[steps] = positives - 1 - p;
    fps[steps] = n - positives - 1 - q;
    thresholds[steps++] = s;
  }
  return {
    fps: fps.slice(0, steps),
    tps: tps.slice(0, steps),
    thresholds: thresholds.slice(0, steps),
  };
}

/** Below this many values the native sort is as fast as the radix sort's fixed costs. */
const RADIX_MIN = 512;
const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;
/** The radix sorts read a double's halves as two 32-bit words, low half first. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * Sorts NaN-free scores ascending, in place, in exactly the order Float64Array.prototype.sort gives
 * (-0 before +0, infinities at the ends), which V8 runs at ~50-80 ns per value here. Instead: a
 * least-significant-digit radix sort on the IEEE bits made unsigned-ordered (negative numbers:
 * every bit flipped; others: the sign bit set), 11 bits per pass; a pass whose digit every value
 * shares is skipped. Model probabilities come from float32 tensors: when every score is a float32
 * value (the usual case) the keys are the float32 bits, one word per score and three passes;
 * otherwise the two halves of the double, six passes. `values` must hold no NaN (the caller
 * refuses them).
 */
export function sortScores(values: Float64Array): void {
  const n = values.length;
  if (n < RADIX_MIN || !LITTLE_ENDIAN) {
    values.sort();
    return;
  }
  let single = true;
  for (let i = 0; i < n && single; i++) single = Math.fround(values[i]) === values[i];
  if (single) sortAsFloat32(values);
  else sortAsFloat64(values);
}

/** Unsigned-ordered key of IEEE bits whose top bit is the sign. */
const toKey = (bits: number): number => (bits >>> 31 ? ~bits : bits ^ 0x80000000) >>> 0;
const fromKey = (key: number): number => (key >>> 31 ? key ^ 0x80000000 : ~key) >>> 0;

/** Counts of the three 11-bit digits (the last one 10 bits) of each key, one histogram each. */
function digitCounts(keys: Uint32Array, counts: Int32Array, offset: number): void {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    counts[offset + (k & DIGIT_MASK)]++;
    counts[offset + BUCKETS + ((k >>> DIGIT_BITS) & DIGIT_MASK)]++;
    counts[offset + 2 * BUCKETS + (k >>> (2 * DIGIT_BITS))]++;
  }
}

/** Turns bucket `base`'s counts into start positions; false when one bucket holds every key. */
function startPositions(counts: Int32Array, base: number, n: number): boolean {
  let at = 0;
  for (let b = base; b < base + BUCKETS; b++) {
    const c = counts[b];
    if (c === n) return false;
    counts[b] = at;
    at += c;
  }
  return true;
}

function sortAsFloat32(values: Float64Array): void {
  const n = values.length;
  const f32 = Float32Array.from(values); // exact: every value is a float32
  const bits = new Uint32Array(f32.buffer);
  let keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = toKey(bits[i]);
  const counts = new Int32Array(3 * BUCKETS);
  digitCounts(keys, counts, 0);
  let spare = new Uint32Array(n);
  for (let d = 0; d < 3; d++) {
    const base = d * BUCKETS;
    if (!startPositions(counts, base, n)) continue;
    const shift = d * DIGIT_BITS;
    // Stable: equal digits keep the order of the earlier passes.
    for (let i = 0; i < n; i++)
      spare[counts[base + ((keys[i] >>> shift) & DIGIT_MASK)]++] = keys[i];
    [keys, spare] = [spare, keys];
  }
  for (let i = 0; i < n; i++) bits[i] = fromKey(keys[i]);
  values.set(f32);
}

function sortAsFloat64(values: Float64Array): void {
  const n = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1];
    hi[i] = toKey(h);
    lo[i] = h >>> 31 ? ~words[2 * i] >>> 0 : words[2 * i];
  }
  const counts = new Int32Array(6 * BUCKETS);
  digitCounts(lo, counts, 0);
  digitCounts(hi, counts, 3 * BUCKETS);
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  for (let d = 0; d < 6; d++) {
    const base = d * BUCKETS;
    if (!startPositions(counts, base, n)) continue;
    const key = d < 3 ? lo : hi;
    const shift = (d % 3) * DIGIT_BITS;
    for (let i = 0; i < n; i++) {
      const to = counts[base + ((key[i] >>> shift) & DIGIT_MASK)]++;
      lo2[to] = lo[i];
      hi2[to] = hi[i];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    words[2 * i + 1] = fromKey(h);
    words[2 * i] = h >>> 31 ? lo[i] : ~lo[i] >>> 0;
  }
}

/** How many rows are positive (truth 1) and negative. */
export function classCounts(truth: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < truth.length; i++) positives += truth[i] ? 1 : 0;
  return { positives, negatives: truth.length - positives };
}

/** One class's rows counted once (one-vs-rest): every ROC and PR figure of it derives from this. */
export interface ClassCounting {
  rows: number;
  positives: number;
  negatives: number;
  /**
   * The sorted counts; null without a positive row, where neither average precision nor ROC is
   * defined (so a NaN score there is not an error, as in the metrics computed one by one).
   */
  curve: ClfCurve | null;
}

/** Counts a class's positives and negatives, and sorts its scores once when there are positives. */
export function countClass(truth: ArrayLike<number>, scores: ArrayLike<number>): ClassCounting {
  const { positives, negatives } = classCounts(truth);
  return {
    rows: truth.length,
    positives,
    negatives,
    curve: positives > 0 ? binaryClfCurve(truth, scores) : null,
  };
}
