// Column statistics the steps learn, computed the way NumPy / scikit-learn compute them so fitted
// states match scikit-learn's (the golden tests compare them): population variance with a
// correction term, percentiles by linear interpolation, ties of the most frequent value broken
// towards the smallest value. Missing values (NaN) are ignored, as SimpleImputer and the scalers do.
import { BenchtopError } from '../errors';
import type { NumericFrameColumn, StringFrameColumn } from '../data/frame';

/** The non-missing values of a column; an infinite value is refused (scikit-learn refuses it too). */
export function presentValues(column: NumericFrameColumn): Float64Array {
  const v = column.values;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    if (x === Infinity || x === -Infinity) {
      throw new BenchtopError(
        'invalid-argument',
        `column '${column.name}' holds an infinite value (row ${i + 1}), which this step cannot learn from. Clip or drop those rows first.`,
        { column: column.name, row: i + 1 },
      );
    }
    n++;
  }
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) out[j++] = v[i];
  return out;
}

/** Throws the all-missing error every imputer and scaler shares. */
export function requireValues(column: { name: string }, count: number, what: string): void {
  if (count > 0) return;
  throw new BenchtopError(
    'invalid-argument',
    `column '${column.name}' has no values at all in the rows this step learns from, so there is no ${what}. Drop the column, or impute it with a constant.`,
    { column: column.name },
  );
}

/**
 * Mean and population variance (ddof = 0) as scikit-learn's StandardScaler computes them: two
 * passes, with the rounding error of the mean subtracted (sum((x-m)^2) - (sum(x-m))^2 / n) / n.
 */
export function meanAndVariance(values: Float64Array): { mean: number; variance: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let sq = 0;
  let corr = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    sq += d * d;
    corr += d;
  }
  const variance = Math.max(0, (sq - (corr * corr) / n) / n);
  return { mean, variance };
}

/** Sorted copy (ascending); Float64Array.sort is numeric. */
export function sorted(values: Float64Array): Float64Array {
  return values.slice().sort();
}

/**
 * The q-th percentile (0..100) of sorted values, NumPy's default 'linear' method, including its
 * two-sided interpolation formula, so results agree with np.nanpercentile to the last bit.
 */
export function percentile(sortedValues: Float64Array, q: number): number {
  const n = sortedValues.length;
  if (n === 1) return sortedValues[0];
  const index = (n - 1) * (q / 100);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, n - 1);
  const t = index - lo;
  const a = sortedValues[lo];
  const b = sortedValues[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** np.median: the middle value, or the mean of the two middle values. */
export function median(sortedValues: Float64Array): number {
  const n = sortedValues.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sortedValues[mid] : (sortedValues[mid - 1] + sortedValues[mid]) / 2;
}

/** Most frequent value of sorted values; ties go to the smallest (scipy.stats.mode, SimpleImputer). */
export function mode(sortedValues: Float64Array): number {
  let best = sortedValues[0];
  let bestCount = 0;
  let i = 0;
  while (i < sortedValues.length) {
    let j = i + 1;
    while (j < sortedValues.length && sortedValues[j] === sortedValues[i]) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = sortedValues[i];
    }
    i = j;
  }
  return best;
}

/** How many rows use each category, and how many are missing. */
export function categoryCounts(column: StringFrameColumn): { counts: Int32Array; missing: number } {
  const counts = new Int32Array(column.categories.length);
  let missing = 0;
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) missing++;
    else counts[c]++;
  }
  return { counts, missing };
}

/** Compares strings by UTF-16 code units, which is Python's order for text without astral characters. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The categories rows actually use, sorted as scikit-learn's encoders sort them. */
export function usedCategoriesSorted(column: StringFrameColumn, counts: Int32Array): string[] {
  const out: string[] = [];
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) out.push(column.categories[k]);
  return out.sort(compareText);
}
