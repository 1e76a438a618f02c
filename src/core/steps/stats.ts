// Column statistics the steps learn, computed the way NumPy / scikit-learn compute them so fitted
// states match scikit-learn's (the golden tests compare them): population variance with a
// correction term, percentiles by linear interpolation, ties of the most frequent value broken
// towards the smallest value. Missing values (NaN) are ignored, as SimpleImputer and the scalers do.
import { BenchtopError } from '../errors';
import type { NumericFrameColumn, StringFrameColumn } from '../data/frame';

/** The non-missing values of a column; an infinite value is refused (scikit-learn refuses it too). */
export function presentValues(column: NumericFrameColumn): Float64Array {
  const v = column.values;
  // One pass into a full-size buffer, then a view of the used part: cheaper than counting first.
  const out = new Float64Array(v.length);
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
    out[n++] = x;
  }
  return n === v.length ? out : out.subarray(0, n);
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
 * Count, mean and population variance (ddof = 0) of the non-missing values, as scikit-learn's
 * StandardScaler computes them: two passes, with the rounding error of the mean subtracted,
 * (sum((x-m)^2) - (sum(x-m))^2 / n) / n. Reads the column in place (no copy: this runs on every
 * numeric column of a million-row fit). An infinite value is refused, as scikit-learn refuses it.
 */
export function moments(column: NumericFrameColumn): {
  count: number;
  mean: number;
  variance: number;
} {
  const v = column.values;
  let n = 0;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    n++;
    sum += x;
  }
  if (sum === Infinity || sum === -Infinity || sum !== sum) presentValues(column); // names the row
  const mean = sum / n;
  let sq = 0;
  let corr = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    const d = x - mean;
    sq += d * d;
    corr += d;
  }
  const variance = n > 0 ? Math.max(0, (sq - (corr * corr) / n) / n) : NaN;
  return { count: n, mean, variance };
}

export interface Moments {
  count: number;
  mean: number;
  variance: number;
}

/**
 * `moments` of many columns, bit for bit the same per column, about 1.6x faster on long columns.
 * A column's sums are chains of dependent additions, so one column at a time waits on the adder's
 * latency; four columns read in one loop keep four chains in flight. The order of additions within
 * a column is unchanged. A missing value adds +0 instead of being skipped, which changes nothing:
 * these sums start at +0 and can never become -0, and x + 0 = x for every other x. Each loop sits
 * alone in a small function (V8 compiles those whole; a long loop followed by more code in the same
 * function ran through on-stack replacement and was thrown back to the interpreter after it).
 * Columns of unequal length are taken one by one.
 *
 * `onCount` sees each column's count right after its infinity check, in column order, so a caller
 * that refuses an empty column (requireValues) reports the same first problem as calling `moments`
 * column by column would.
 */
export function momentsOfColumns(
  columns: readonly NumericFrameColumn[],
  onCount: (count: number, index: number) => void = () => {},
): Moments[] {
  const out: Moments[] = [];
  const acc = new Float64Array(8);
  let j = 0;
  for (; j + 4 <= columns.length; j += 4) {
    const a = columns[j].values;
    const b = columns[j + 1].values;
    const c = columns[j + 2].values;
    const d = columns[j + 3].values;
    if (b.length !== a.length || c.length !== a.length || d.length !== a.length) {
      for (let k = j; k < j + 4; k++) {
        out.push(moments(columns[k]));
        onCount(out[k].count, k);
      }
      continue;
    }
    sums4(a, b, c, d, acc);
    const counts = [acc[0], acc[2], acc[4], acc[6]];
    const sums = [acc[1], acc[3], acc[5], acc[7]];
    for (let k = 0; k < 4; k++) {
      const sum = sums[k];
      if (sum === Infinity || sum === -Infinity || sum !== sum) presentValues(columns[j + k]); // names the row
      onCount(counts[k], j + k);
    }
    const means = sums.map((sum, k) => sum / counts[k]);
    squares4(a, b, c, d, means[0], means[1], means[2], means[3], acc);
    for (let k = 0; k < 4; k++) {
      const n = counts[k];
      const sq = acc[2 * k];
      const corr = acc[2 * k + 1];
      out.push({
        count: n,
        mean: means[k],
        variance: n > 0 ? Math.max(0, (sq - (corr * corr) / n) / n) : NaN,
      });
    }
  }
  for (; j < columns.length; j++) {
    out.push(moments(columns[j]));
    onCount(out[j].count, j);
  }
  return out;
}

/** Count and sum of the non-missing values of four columns: out = [n, sum] per column. */
function sums4(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  d: Float64Array,
  out: Float64Array,
): void {
  let na = 0;
  let nb = 0;
  let nc = 0;
  let nd = 0;
  let sa = 0;
  let sb = 0;
  let sc = 0;
  let sd = 0;
  for (let i = 0; i < a.length; i++) {
    const xa = a[i];
    const xb = b[i];
    const xc = c[i];
    const xd = d[i];
    na += +(xa === xa);
    nb += +(xb === xb);
    nc += +(xc === xc);
    nd += +(xd === xd);
    sa += xa === xa ? xa : 0;
    sb += xb === xb ? xb : 0;
    sc += xc === xc ? xc : 0;
    sd += xd === xd ? xd : 0;
  }
  out[0] = na;
  out[1] = sa;
  out[2] = nb;
  out[3] = sb;
  out[4] = nc;
  out[5] = sc;
  out[6] = nd;
  out[7] = sd;
}

/** moments' second pass over four columns: out = [sum of d^2, sum of d] per column, d = x - mean. */
function squares4(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  d: Float64Array,
  ma: number,
  mb: number,
  mc: number,
  md: number,
  out: Float64Array,
): void {
  let qa = 0;
  let qb = 0;
  let qc = 0;
  let qd = 0;
  let ra = 0;
  let rb = 0;
  let rc = 0;
  let rd = 0;
  for (let i = 0; i < a.length; i++) {
    const xa = a[i];
    const xb = b[i];
    const xc = c[i];
    const xd = d[i];
    const ea = xa === xa ? xa - ma : 0;
    const eb = xb === xb ? xb - mb : 0;
    const ec = xc === xc ? xc - mc : 0;
    const ed = xd === xd ? xd - md : 0;
    qa += ea * ea;
    qb += eb * eb;
    qc += ec * ec;
    qd += ed * ed;
    ra += ea;
    rb += eb;
    rc += ec;
    rd += ed;
  }
  out[0] = qa;
  out[1] = ra;
  out[2] = qb;
  out[3] = rb;
  out[4] = qc;
  out[5] = rc;
  out[6] = qd;
  out[7] = rd;
}

/** Sorted copy (ascending); Float64Array.sort is numeric. */
export function sorted(values: Float64Array): Float64Array {
  return values.slice().sort();
}

/**
 * The k-th smallest value (0-based) of `a`, which is reordered: afterwards every value before k is
 * <= a[k] and every value after is >= a[k]. Quickselect, O(n) instead of a full O(n log n) sort; it
 * falls back to sorting the remaining range if the partitions stop shrinking (adversarial input).
 */
export function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 16;
  while (hi > lo) {
    if (budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[k];
    }
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** The smallest value of a[from..]: the (k+1)-th order statistic once select(a, k) has run. */
function minFrom(a: Float64Array, from: number): number {
  let m = a[from];
  for (let i = from + 1; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}

/**
 * The q-th percentile (0..100) of the values, NumPy's default 'linear' method, including its
 * two-sided interpolation formula, so results agree with np.nanpercentile to the last bit. `values`
 * is reordered (pass a copy: presentValues makes one).
 */
export function percentile(values: Float64Array, q: number): number {
  const n = values.length;
  if (n === 1) return values[0];
  const index = (n - 1) * (q / 100);
  const lo = Math.floor(index);
  const t = index - lo;
  const a = select(values, lo);
  const b = lo + 1 < n ? minFrom(values, lo + 1) : a;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** np.median: the middle value, or the mean of the two middle values. Reorders `values`. */
export function median(values: Float64Array): number {
  const n = values.length;
  const mid = n >> 1;
  const upper = select(values, mid);
  if (n % 2 === 1) return upper;
  // After select(mid) the lower middle value is the largest of values[0..mid).
  let lower = values[0];
  for (let i = 1; i < mid; i++) if (values[i] > lower) lower = values[i];
  return (lower + upper) / 2;
}

/** Whole numbers spanning at most this many values get their median by counting (no copy). */
const COUNTING_BITS = 16;
const COUNTING_SPAN = 1 << COUNTING_BITS;

/**
 * Count and np.median of a column's non-missing values, reading the column in place. Whole numbers
 * in a small range (integers, date parts, codes, booleans) are counted into a histogram, which
 * gives the same order statistics without copying the column; anything else goes through
 * bracketedMedian (exact too). Used by impute.median on every numeric feature of auto-prepare,
 * where the copy per column was the step's main cost.
 */
export function columnMedian(column: NumericFrameColumn): { count: number; median: number } {
  const v = column.values;
  // One pass counts whole numbers into a window of COUNTING_SPAN values around the first one. It
  // stops at the first value that rules counting out (a fraction, or one outside the window, such
  // as an infinity), so columns of measurements pay almost nothing before the bracketed path.
  let first = 0;
  while (first < v.length && v[first] !== v[first]) first++;
  if (first === v.length) return { count: 0, median: NaN };
  if (v[first] !== Math.floor(v[first])) return bracketedMedian(column);
  // A whole `min`, so `x - min` is a whole number exactly when x is (and exact in this window).
  const min = v[first] - (COUNTING_SPAN >> 1);
  // Four histograms, one per lane of a 4-way unrolled loop: columns with few distinct values
  // (years, months, flags) would otherwise increment the same counter back to back, and each
  // increment waits for the previous one's store (~20% of the pass). Summed afterwards.
  const lanes = new Int32Array(4 * COUNTING_SPAN);
  const L1 = COUNTING_SPAN;
  const L2 = 2 * COUNTING_SPAN;
  const L3 = 3 * COUNTING_SPAN;
  let missing = first;
  let i = first;
  const len = v.length;
  for (; i + 3 < len; i += 4) {
    const x0 = v[i];
    const x1 = v[i + 1];
    const x2 = v[i + 2];
    const x3 = v[i + 3];
    // `k | 0` equals k only for a whole k within int32; `>>> COUNTING_BITS` then checks the window
    // (a negative k has high bits set). NaN is missing; an infinity fails the first test.
    if (x0 === x0) {
      const k = x0 - min;
      const w = k | 0;
      if (w !== k || w >>> COUNTING_BITS !== 0) return bracketedMedian(column);
      lanes[w]++;
    } else missing++;
    if (x1 === x1) {
      const k = x1 - min;
      const w = k | 0;
      if (w !== k || w >>> COUNTING_BITS !== 0) return bracketedMedian(column);
      lanes[L1 + w]++;
    } else missing++;
    if (x2 === x2) {
      const k = x2 - min;
      const w = k | 0;
      if (w !== k || w >>> COUNTING_BITS !== 0) return bracketedMedian(column);
      lanes[L2 + w]++;
    } else missing++;
    if (x3 === x3) {
      const k = x3 - min;
      const w = k | 0;
      if (w !== k || w >>> COUNTING_BITS !== 0) return bracketedMedian(column);
      lanes[L3 + w]++;
    } else missing++;
  }
  for (; i < len; i++) {
    const x = v[i];
    if (x !== x) {
      missing++;
      continue;
    }
    const k = x - min;
    const w = k | 0;
    if (w !== k || w >>> COUNTING_BITS !== 0) return bracketedMedian(column);
    lanes[w]++;
  }
  const n = len - missing;
  // The values at sorted positions (n - 1) >> 1 and n >> 1 (equal when n is odd).
  const lowRank = (n - 1) >> 1;
  const highRank = n >> 1;
  let seen = 0;
  let low = NaN;
  for (let k = 0; k < COUNTING_SPAN; k++) {
    seen += lanes[k] + lanes[L1 + k] + lanes[L2 + k] + lanes[L3 + k];
    if (low !== low && seen > lowRank) low = k + min;
    if (seen > highRank) {
      const high = k + min;
      return { count: n, median: low === high ? low : (low + high) / 2 };
    }
  }
  return { count: n, median: low }; // unreachable: the counts add up to n
}

/** Columns shorter than this take the plain copy-and-select path. */
const BRACKET_MIN = 1 << 15;
const BRACKET_SAMPLE = 1 << 13;

/**
 * np.median of a long column without copying it whole (the Floyd-Rivest idea): a sorted sample of
 * every k-th value gives two bounds that almost surely bracket the middle ranks; one pass counts
 * the values below the lower bound and copies the few between the bounds, and quickselect runs on
 * that short list. If the bounds miss (unlucky or adversarial data), or more values than expected
 * fall between them, it falls back to the plain path, so the result is always exact: the same
 * order statistics as sorting.
 */
function bracketedMedian(column: NumericFrameColumn): { count: number; median: number } {
  const v = column.values;
  if (v.length < BRACKET_MIN) return plainMedian(column);
  const stride = Math.floor(v.length / BRACKET_SAMPLE);
  const sample = new Float64Array(BRACKET_SAMPLE + 1);
  let s = 0;
  for (let i = 0; i < v.length && s < sample.length; i += stride) {
    const x = v[i];
    if (x === x) sample[s++] = x;
  }
  if (s < BRACKET_SAMPLE / 2) return plainMedian(column); // mostly missing: the sample is thin
  // +-4 standard deviations of the sample median's rank: the bounds miss about once in 15,000
  // columns (then the plain path runs).
  const spread = Math.ceil(2 * Math.sqrt(s)) + 2;
  // The bounds are two order statistics of the sample: two quickselects (the second on what the
  // first left above its rank) instead of sorting it, since Float64Array.prototype.sort costs
  // ~0.5 ms per 8k values in V8, more than the pass over the column itself.
  const drawn = sample.subarray(0, s);
  const loRank = Math.max(0, (s >> 1) - spread);
  const hiRank = Math.min(s - 1, (s >> 1) + spread);
  const lo = select(drawn, loRank);
  const hi = select(drawn.subarray(loRank), hiRank - loRank);
  // About (2 * spread + 1) / s of the values lie between the bounds; room for twice that (the
  // pass gives up past it: many ties at the bounds, or a sample unlike the column).
  const room = Math.ceil((v.length * 2 * (2 * spread + 1)) / s) + 1024;
  const middle = new Float64Array(room + 1); // one spare slot for the branch-free store
  // One pass, branch-free in the comparisons: on unsorted data `x < lo` is a coin toss, and
  // mispredicted branches cost more than the arithmetic. `x - x` is 0 except for NaN (missing)
  // and the infinities (refused), so the common case takes one well-predicted branch.
  let missing = 0;
  let below = 0;
  let j = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x !== 0) {
      if (x !== x) {
        missing++;
        continue;
      }
      return plainMedian(column); // an infinity: refused there, naming the row
    }
    below += +(x < lo);
    middle[j] = x;
    j += +(x >= lo) & +(x <= hi);
    if (j === room) return plainMedian(column);
  }
  const n = v.length - missing;
  const inside = j;
  const lowRank = (n - 1) >> 1;
  const highRank = n >> 1;
  if (lowRank < below || highRank >= below + inside) return plainMedian(column);
  const values = middle.subarray(0, inside);
  const low = select(values, lowRank - below);
  if (highRank === lowRank) return { count: n, median: low };
  // The next order statistic is the smallest value after the selected one.
  let high = values[lowRank - below + 1];
  for (let k = lowRank - below + 2; k < inside; k++) if (values[k] < high) high = values[k];
  return { count: n, median: (low + high) / 2 };
}

function plainMedian(column: NumericFrameColumn): { count: number; median: number } {
  const values = presentValues(column); // refuses infinite values, naming the row
  return { count: values.length, median: values.length > 0 ? median(values) : NaN };
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

/**
 * How many rows use each category, and how many are missing. Four rows per iteration into four
 * sets of counters, summed at the end: with few categories, consecutive rows often share one, and
 * incrementing the same counter back to back waits on the previous store each time.
 */
export function categoryCounts(column: StringFrameColumn): { counts: Int32Array; missing: number } {
  const k = column.categories.length;
  const lanes = new Int32Array(4 * k);
  const missing = countCodes(column.codes, lanes, k);
  const counts = new Int32Array(k);
  for (let c = 0; c < k; c++)
    counts[c] = lanes[c] + lanes[k + c] + lanes[2 * k + c] + lanes[3 * k + c];
  return { counts, missing };
}

/** The counting loop of categoryCounts, alone in a small function; returns the missing count. */
function countCodes(codes: Int32Array, lanes: Int32Array, k: number): number {
  const k2 = 2 * k;
  const k3 = 3 * k;
  let missing = 0;
  let i = 0;
  for (; i + 3 < codes.length; i += 4) {
    const c0 = codes[i];
    const c1 = codes[i + 1];
    const c2 = codes[i + 2];
    const c3 = codes[i + 3];
    if (c0 < 0) missing++;
    else lanes[c0]++;
    if (c1 < 0) missing++;
    else lanes[k + c1]++;
    if (c2 < 0) missing++;
    else lanes[k2 + c2]++;
    if (c3 < 0) missing++;
    else lanes[k3 + c3]++;
  }
  for (; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) missing++;
    else lanes[c]++;
  }
  return missing;
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
