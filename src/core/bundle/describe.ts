// What a bundle says about its training data, computed from the training frame: the input
// signature (columns, kinds, categories, ranges), the compact profile a drift check compares new
// data with, and a fingerprint (sha256 over the frame's values, independent of the file format
// the data came in and of the order categories were first seen).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { isNumericColumn, type Frame, type FrameColumn } from '../data/frame';
import type { CompactProfile, InputColumn, ProfileColumn } from './manifest';

/** Categorical / text columns list their training values up to this many (else `null`). */
export const MAX_SIGNATURE_CATEGORIES = 1000;
/** The profile keeps this many most frequent values per string column. */
export const PROFILE_TOP = 50;

const encoder = new TextEncoder();

function sortStrings(values: string[]): string[] {
  return values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Values actually used by some row, with their counts, sorted by value. */
function usedCategories(column: FrameColumn & { codes: Int32Array; categories: string[] }): {
  values: string[];
  counts: Map<string, number>;
  missing: number;
} {
  const perCode = new Float64Array(column.categories.length);
  let missing = 0;
  for (const c of column.codes) {
    if (c < 0) missing++;
    else perCode[c]++;
  }
  const counts = new Map<string, number>();
  column.categories.forEach((v, k) => {
    if (perCode[k] > 0) counts.set(v, (counts.get(v) ?? 0) + perCode[k]);
  });
  return { values: sortStrings([...counts.keys()]), counts, missing };
}

function numericSummary(values: Float64Array): {
  sorted: Float64Array;
  missing: number;
  mean: number | null;
  std: number | null;
} {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) n++;
  const sorted = new Float64Array(n);
  let k = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      sorted[k++] = v;
      sum += v;
    }
  }
  sorted.sort();
  const mean = n > 0 ? sum / n : null;
  let ss = 0;
  if (mean !== null) for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  // Sample std (n - 1), as pandas and `benchtop profile`.
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  return { sorted, missing: values.length - n, mean, std };
}

/** Linear-interpolated quantile of sorted values (NumPy's default, as pandas' describe). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The input signature: every column the steps read (the recipe's input frame), with its role.
 * `unused` lists columns the model does not need (split columns, dropped ones).
 */
export function inputSignature(
  frame: Frame,
  target: string,
  unused: ReadonlySet<string>,
): InputColumn[] {
  return frame.columns.map((c): InputColumn => {
    const role = c.name === target ? 'target' : unused.has(c.name) ? 'unused' : 'feature';
    if (isNumericColumn(c)) {
      const s = numericSummary(c.values);
      return {
        name: c.name,
        kind: c.kind,
        role,
        missing: s.missing,
        categories: null,
        range:
          s.sorted.length > 0 ? { min: s.sorted[0], max: s.sorted[s.sorted.length - 1] } : null,
      };
    }
    const u = usedCategories(c);
    return {
      name: c.name,
      kind: c.kind,
      role,
      missing: u.missing,
      categories: u.values.length <= MAX_SIGNATURE_CATEGORIES ? u.values : null,
      range: null,
    };
  });
}

/** The drift baseline: per column, decile edges and counts (numbers) or top values (strings). */
export function compactProfile(frame: Frame): CompactProfile {
  const columns = frame.columns.map((c): ProfileColumn => {
    if (isNumericColumn(c)) {
      const s = numericSummary(c.values);
      const n = s.sorted.length;
      const base: ProfileColumn = {
        name: c.name,
        kind: c.kind,
        count: n,
        missing: s.missing,
        mean: s.mean,
        std: s.std,
        min: n > 0 ? s.sorted[0] : null,
        max: n > 0 ? s.sorted[n - 1] : null,
      };
      if (n === 0) return base;
      const quantiles = Array.from({ length: 11 }, (_, i) => quantile(s.sorted, i / 10));
      // Rows per bin [q_i, q_{i+1}) (the last bin closed): what a PSI-style drift check compares.
      const binCounts = new Array<number>(10).fill(0);
      let bin = 0;
      for (let i = 0; i < n; i++) {
        const v = s.sorted[i];
        while (bin < 9 && v >= quantiles[bin + 1]) bin++;
        binCounts[bin]++;
      }
      return { ...base, quantiles, binCounts };
    }
    const u = usedCategories(c);
    const byCount = [...u.counts.entries()].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    );
    const top = byCount.slice(0, PROFILE_TOP).map(([value, count]) => ({ value, count }));
    const otherCount = byCount.slice(PROFILE_TOP).reduce((a, [, n]) => a + n, 0);
    return {
      name: c.name,
      kind: c.kind,
      count: frame.rows - u.missing,
      missing: u.missing,
      top,
      otherCount,
    };
  });
  return { rows: frame.rows, columns };
}

/**
 * sha256 over the frame's column names, kinds and values. Numbers as float64 little-endian (every
 * NaN the same bits); strings through their sorted distinct values, so the same table read from
 * CSV or Arrow (categories met in another order) has the same fingerprint.
 */
export function frameFingerprint(frame: Frame): string {
  const h = sha256.create();
  const u32 = new Uint32Array(1);
  const writeU32 = (n: number) => {
    u32[0] = n >>> 0;
    h.update(new Uint8Array(u32.buffer.slice(0)));
  };
  const writeText = (s: string) => {
    const b = encoder.encode(s);
    writeU32(b.length);
    h.update(b);
  };
  writeU32(frame.rows);
  writeU32(frame.columns.length);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (const c of frame.columns) {
    writeText(c.name);
    writeText(c.kind);
    if (isNumericColumn(c)) {
      const copy = new Float64Array(c.values.length);
      for (let i = 0; i < copy.length; i++)
        copy[i] = c.values[i] === c.values[i] ? c.values[i] : NaN;
      const bytes = new Uint8Array(copy.buffer);
      if (!little) {
        for (let i = 0; i < bytes.length; i += 8) bytes.subarray(i, i + 8).reverse();
      }
      h.update(bytes);
      continue;
    }
    const { values } = usedCategories(c);
    writeU32(values.length);
    for (const v of values) writeText(v);
    const index = new Map(values.map((v, i) => [v, i]));
    const remap = c.categories.map((v) => index.get(v) ?? -1);
    const codes = new Int32Array(c.codes.length);
    for (let i = 0; i < codes.length; i++) codes[i] = c.codes[i] < 0 ? -1 : remap[c.codes[i]];
    const bytes = new Uint8Array(codes.buffer);
    if (!little) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
    h.update(bytes);
  }
  return bytesToHex(h.digest());
}
