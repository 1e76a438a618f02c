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
import {
  ORIGINAL,
  SYNTHETIC,
  type AppendedRows,
  type ClassCount,
  type ResampleResult,
} from './types';

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

/** New rows appended after every input row (see AppendedRows in types.ts). */
export type Additions = AppendedRows;

/**
 * Appended rows [from, to) of a numeric feature into out[at...]: x + u·(nn − x) for a synthetic
 * row, the source value for a copy. The one place these values are computed, whether the whole
 * output frame is built or the rows are produced block by block (appendedRows).
 */
function fillNumeric(
  v: Float64Array,
  add: Additions,
  from: number,
  to: number,
  out: Float64Array,
  at: number,
): void {
  const { origin, source, neighbour, gap } = add;
  for (let s = from, o = at; s < to; s++, o++) {
    const x = v[source[s]];
    out[o] = origin[s] === SYNTHETIC ? x + gap[s] * (v[neighbour[s]] - x) : x;
  }
}

/** Appended rows [from, to) of a column into `out` at `at`: computed, voted, or the source row's. */
function fillAppended(
  c: FrameColumn,
  target: string,
  add: Additions,
  from: number,
  to: number,
  out: Float64Array | Int32Array,
  at: number,
): void {
  const voted = add.voted?.get(c.name);
  if (voted) {
    out.set(voted.subarray(from, to), at);
    return;
  }
  const values = isNumericColumn(c) ? c.values : (c as StringFrameColumn).codes;
  if (isNumericColumn(c) && c.name !== target) {
    fillNumeric(c.values, add, from, to, out as Float64Array, at);
    return;
  }
  for (let s = from, o = at; s < to; s++, o++) out[o] = values[add.source[s]];
}

function hasFraction(v: Float64Array, from: number, to = v.length): boolean {
  for (let i = from; i < to; i++) if (!Number.isInteger(v[i]) && v[i] === v[i]) return true;
  return false;
}

/** Rows per block when the appended rows are only scanned (the kinds of a deferred result). */
const SCAN_BLOCK = 8192;

/** Whether an integer / boolean feature receives fractional values among the appended rows. */
function appendedHasFraction(c: FrameColumn, target: string, add: Additions): boolean {
  const m = add.source.length;
  const block = new Float64Array(Math.min(m, SCAN_BLOCK));
  for (let from = 0; from < m; from += SCAN_BLOCK) {
    const to = Math.min(m, from + SCAN_BLOCK);
    fillAppended(c, target, add, from, to, block, 0);
    if (hasFraction(block, 0, to - from)) return true;
  }
  return false;
}

/**
 * The input frame with the additions appended. The target of a new row is its source row's class.
 * An integer or boolean feature that receives fractional values becomes a 'number' column (said
 * in the notes): SMOTE interpolates, as imbalanced-learn does on numeric arrays. With `defer`
 * (ResampleContext.deferAppended) the result's frame is the input's rows under the output's
 * kinds, and `appended` holds the additions (read them with appendedRows).
 */
export function appendRows(
  frame: Frame,
  t: ClassTarget,
  add: Additions,
  notes: string[],
  defer = false,
): ResampleResult {
  const n = frame.rows;
  const m = add.source.length;
  const widened: string[] = [];
  const columns = frame.columns.map((c): FrameColumn => {
    if (isNumericColumn(c)) {
      let kind = c.kind;
      let values = c.values;
      if (!defer) {
        values = new Float64Array(n + m);
        values.set(c.values);
        fillAppended(c, t.name, add, 0, m, values, n);
      }
      if (
        (kind === 'integer' || kind === 'boolean') &&
        c.name !== t.name &&
        (defer ? appendedHasFraction(c, t.name, add) : hasFraction(values, n))
      ) {
        kind = 'number';
        widened.push(c.name);
      }
      return { name: c.name, kind, values };
    }
    const s = c as StringFrameColumn;
    let codes = s.codes;
    if (!defer) {
      codes = new Int32Array(n + m);
      codes.set(s.codes);
      fillAppended(c, t.name, add, 0, m, codes, n);
    }
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
    frame: makeFrame(columns, defer ? n : n + m),
    origin,
    source,
    neighbour,
    gap,
    classes: classCounts(t, after),
    notes,
    ...(defer ? { appended: add } : {}),
  };
}

/**
 * Rows [from, to) of a deferred result's appended rows (ResampleContext.deferAppended), as a frame
 * with the result frame's columns: the same values the whole output frame would hold there.
 */
export function appendedRows(
  result: ResampleResult,
  target: string,
  from: number,
  to: number,
): Frame {
  const add = result.appended;
  if (!add || from < 0 || to > add.source.length || from > to) {
    throw new BenchtopError(
      'internal',
      `appendedRows needs a deferred result and 0 <= from <= to <= ${add?.source.length ?? 0} (got ${from}, ${to}).`,
    );
  }
  const rows = to - from;
  const columns = result.frame.columns.map((c): FrameColumn => {
    if (isNumericColumn(c)) {
      const values = new Float64Array(rows);
      fillAppended(c, target, add, from, to, values, 0);
      return { name: c.name, kind: c.kind, values };
    }
    const codes = new Int32Array(rows);
    fillAppended(c, target, add, from, to, codes, 0);
    return { name: c.name, kind: c.kind, codes, categories: c.categories };
  });
  return makeFrame(columns, rows);
}

/** A draw in (0, 1), never 0 or 1: a synthetic row never lands exactly on its parent by chance. */
export function openUnit(rng: () => number): number {
  // rng() is a multiple of 2^-32 in [0, 1): shifting by half a step keeps it strictly inside.
  return rng() + 2 ** -33;
}
