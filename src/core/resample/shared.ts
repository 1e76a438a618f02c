// What the samplers share: the feature columns (every column but the target) and the checks on
// them that name a column and the step that fixes it, the row-major matrix the neighbour search
// reads, and the assembly of a resampled frame from kept, repeated and synthetic rows.
import { BenchtopError } from '../errors';
import {
  isNumericColumn,
  makeFrame,
  type Frame,
  type FrameColumn,
  type NumericFrameColumn,
  type StringFrameColumn,
} from '../data/frame';
import type { ClassTarget } from './strategy';
import { ORIGINAL, SYNTHETIC, type ClassCount, type ResampleResult } from './types';

export function featureColumns(frame: Frame, target: string): FrameColumn[] {
  const out = frame.columns.filter((c) => c.name !== target);
  if (out.length === 0) {
    throw new BenchtopError(
      'invalid-argument',
      `There are no feature columns besides the target '${target}', so there is nothing to measure distances on.`,
      { column: target },
    );
  }
  return out;
}

/** Refuses missing (and infinite) values in columns a distance is measured on, naming the first such column. */
export function requireComplete(columns: readonly FrameColumn[], title: string): void {
  for (const c of columns) {
    let missing = 0;
    let infinite = 0;
    if (isNumericColumn(c)) {
      const v = c.values;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== x) missing++;
        else if (x === Infinity || x === -Infinity) infinite++;
      }
    } else {
      const codes = c.codes;
      for (let i = 0; i < codes.length; i++) if (codes[i] < 0) missing++;
    }
    if (missing > 0) {
      const step = isNumericColumn(c)
        ? "an imputation step such as 'Impute: median'"
        : "an imputation step such as 'Impute: most frequent'";
      throw new BenchtopError(
        'invalid-argument',
        `Column '${c.name}' has ${missing} missing value${missing === 1 ? '' : 's'}; ${title} measures distances between rows and cannot use them. Add ${step} to the recipe before resampling.`,
        { column: c.name, missing },
      );
    }
    if (infinite > 0) {
      throw new BenchtopError(
        'invalid-argument',
        `Column '${c.name}' has ${infinite} infinite value${infinite === 1 ? '' : 's'}; ${title} measures distances between rows and cannot use them. Clip or transform the column first (e.g. an outlier step).`,
        { column: c.name },
      );
    }
  }
}

/** Refuses date / categorical / text feature columns for samplers that interpolate or measure numbers only. */
export function requireNumeric(
  columns: readonly FrameColumn[],
  title: string,
  categoricalAdvice: string,
): NumericFrameColumn[] {
  for (const c of columns) {
    if (c.kind === 'date') {
      throw new BenchtopError(
        'invalid-argument',
        `Column '${c.name}' holds dates; ${title} works on numbers. Turn it into numbers first with the 'Date: parts' step, or leave it out.`,
        { column: c.name },
      );
    }
    if (!isNumericColumn(c)) {
      throw new BenchtopError(
        'invalid-argument',
        `Column '${c.name}' is ${c.kind}; ${title} works on numeric features only. ${categoricalAdvice}`,
        { column: c.name },
      );
    }
  }
  return columns as NumericFrameColumn[];
}

/** The given rows of numeric columns as one row-major matrix (rows × columns). */
export function rowMatrix(columns: readonly NumericFrameColumn[], rows: Int32Array): Float64Array {
  const d = columns.length;
  const out = new Float64Array(rows.length * d);
  for (let f = 0; f < d; f++) {
    const v = columns[f].values;
    for (let r = 0, o = f; r < rows.length; r++, o += d) out[o] = v[rows[r]];
  }
  return out;
}

/** The input rows of each class, in input order. */
export function rowsByClass(t: ClassTarget): Int32Array[] {
  const out = t.counts.map((n) => new Int32Array(n));
  const fill = new Int32Array(t.counts.length);
  for (let i = 0; i < t.classOf.length; i++) {
    const c = t.classOf[i];
    out[c][fill[c]++] = i;
  }
  return out;
}

export function classCounts(t: ClassTarget, after: readonly number[]): ClassCount[] {
  return t.labels.map((label, c) => ({ label, before: t.counts[c], after: after[c] }));
}

/** A result that keeps the given input rows (in that order), e.g. after under-sampling. */
export function keepRows(
  frame: Frame,
  t: ClassTarget,
  keep: Int32Array,
  notes: string[] = [],
): ResampleResult {
  const m = keep.length;
  const columns = frame.columns.map((c): FrameColumn => {
    if (isNumericColumn(c)) {
      const values = new Float64Array(m);
      for (let i = 0; i < m; i++) values[i] = c.values[keep[i]];
      return { name: c.name, kind: c.kind, values };
    }
    const codes = new Int32Array(m);
    for (let i = 0; i < m; i++) codes[i] = c.codes[keep[i]];
    return { name: c.name, kind: c.kind, codes, categories: c.categories };
  });
  const after = new Array<number>(t.labels.length).fill(0);
  for (let i = 0; i < m; i++) after[t.classOf[keep[i]]]++;
  return {
    frame: makeFrame(columns, m),
    origin: new Uint8Array(m).fill(ORIGINAL),
    source: Int32Array.from(keep),
    neighbour: new Int32Array(m).fill(-1),
    gap: new Float64Array(m).fill(NaN),
    classes: classCounts(t, after),
    notes,
  };
}

/** New rows appended after every input row: each one a copy, or synthetic between two rows. */
export interface Additions {
  origin: Uint8Array;
  source: Int32Array;
  neighbour: Int32Array;
  gap: Float64Array;
  /** Values decided by a vote (SMOTE-NC's categorical columns), by column name. */
  voted?: Map<string, Int32Array | Float64Array>;
}

/** x + u·(nn − x) for every synthetic row, the source value for every copy; the loop alone for V8. */
function extendNumeric(v: Float64Array, add: Additions, n: number): Float64Array {
  const m = add.source.length;
  const out = new Float64Array(n + m);
  out.set(v.subarray(0, n));
  const { origin, source, neighbour, gap } = add;
  for (let s = 0; s < m; s++) {
    const x = v[source[s]];
    out[n + s] = origin[s] === SYNTHETIC ? x + gap[s] * (v[neighbour[s]] - x) : x;
  }
  return out;
}

function hasFraction(v: Float64Array, from: number): boolean {
  for (let i = from; i < v.length; i++) if (!Number.isInteger(v[i]) && v[i] === v[i]) return true;
  return false;
}

/**
 * The input frame with the additions appended. The target of a new row is its source row's class.
 * An integer or boolean feature that receives fractional values becomes a 'number' column (said
 * in the notes): SMOTE interpolates, as imbalanced-learn does on numeric arrays.
 */
export function appendRows(
  frame: Frame,
  t: ClassTarget,
  add: Additions,
  notes: string[],
): ResampleResult {
  const n = frame.rows;
  const m = add.source.length;
  const widened: string[] = [];
  const columns = frame.columns.map((c): FrameColumn => {
    const voted = add.voted?.get(c.name);
    if (isNumericColumn(c)) {
      let values: Float64Array;
      if (voted) {
        values = new Float64Array(n + m);
        values.set(c.values);
        values.set(voted as Float64Array, n);
      } else {
        values =
          c.name === t.name ? extendCopy(c.values, add.source, n) : extendNumeric(c.values, add, n);
      }
      let kind = c.kind;
      if (
        (kind === 'integer' || kind === 'boolean') &&
        c.name !== t.name &&
        hasFraction(values, n)
      ) {
        kind = 'number';
        widened.push(c.name);
      }
      return { name: c.name, kind, values };
    }
    const s = c as StringFrameColumn;
    const codes = new Int32Array(n + m);
    codes.set(s.codes);
    if (voted) codes.set(voted as Int32Array, n);
    else for (let r = 0; r < m; r++) codes[n + r] = s.codes[add.source[r]];
    return { name: c.name, kind: c.kind, codes, categories: s.categories };
  });
  if (widened.length > 0) {
    notes.push(
      `Synthetic rows hold values between whole numbers, so ${widened.map((w) => `'${w}'`).join(', ')} ${widened.length === 1 ? 'is' : 'are'} now number column${widened.length === 1 ? '' : 's'}.`,
    );
  }
  const origin = new Uint8Array(n + m);
  origin.set(add.origin, n);
  const source = new Int32Array(n + m);
  for (let i = 0; i < n; i++) source[i] = i;
  source.set(add.source, n);
  const neighbour = new Int32Array(n + m).fill(-1);
  neighbour.set(add.neighbour, n);
  const gap = new Float64Array(n + m).fill(NaN);
  gap.set(add.gap, n);
  const after = [...t.counts];
  for (let r = 0; r < m; r++) after[t.classOf[add.source[r]]]++;
  return {
    frame: makeFrame(columns, n + m),
    origin,
    source,
    neighbour,
    gap,
    classes: classCounts(t, after),
    notes,
  };
}

function extendCopy(v: Float64Array, source: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n + source.length);
  out.set(v.subarray(0, n));
  for (let s = 0; s < source.length; s++) out[n + s] = v[source[s]];
  return out;
}

/** A draw in (0, 1), never 0 or 1: a synthetic row never lands exactly on its parent by chance. */
export function openUnit(rng: () => number): number {
  // rng() is a multiple of 2^-32 in [0, 1): shifting by half a step keeps it strictly inside.
  return rng() + 2 ** -33;
}
