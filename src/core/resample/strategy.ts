// The class column and the sampling strategy, as imbalanced-learn 0.10 reads them
// (imblearn/utils/_validation.py): classes in sorted label order (np.unique), the majority / minority
// being the first class with the largest / smallest count in that order, and 'auto', a ratio or a
// dict of counts turned into the number of rows each class should have after resampling. Every
// way a strategy cannot apply to the data is a BenchtopError saying what to ask for instead.
import { BenchtopError } from '../errors';
import { findColumn, isNumericColumn, type Frame, type FrameColumn } from '../data/frame';
import type { SamplingStrategy } from './types';

/** The class column read once: one class index per row, classes in sorted label order. */
export interface ClassTarget {
  name: string;
  column: FrameColumn;
  /** Labels as text (numbers as JavaScript prints them, booleans as true / false), sorted. */
  labels: string[];
  /** Per row: the index of its class in `labels`. */
  classOf: Int32Array;
  counts: number[];
  /** Per class: the value the class column holds for it (a number, or a code into categories). */
  values: number[];
}

function labelOfNumber(column: FrameColumn, v: number): string {
  if (column.kind === 'boolean') return v !== 0 ? 'true' : 'false';
  return `${v}`;
}

/**
 * Reads the class column. Missing labels, a numeric column with fractional values (a regression
 * target), a date column and a single class are errors a person can act on.
 */
export function readTarget(frame: Frame, target: string): ClassTarget {
  const column = findColumn(frame, target);
  if (!column) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${target}' is not in this data. Choose the column that holds the classes.`,
      { column: target },
    );
  }
  if (frame.rows === 0) {
    throw new BenchtopError('no-rows', 'There are no rows to resample.');
  }
  const n = frame.rows;
  const classOf = new Int32Array(n);
  let labels: string[];
  let values: number[];
  let missing = 0;
  if (isNumericColumn(column)) {
    if (column.kind === 'date') {
      throw new BenchtopError(
        'invalid-argument',
        `The target column '${target}' holds dates; resampling balances classes, so the target must hold class labels (text, whole numbers or true / false).`,
        { column: target },
      );
    }
    const v = column.values;
    const distinct = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (x !== x) {
        missing++;
        continue;
      }
      if (!Number.isInteger(x)) {
        throw new BenchtopError(
          'invalid-argument',
          `The target column '${target}' holds ${x} (row ${i + 1}), which is not a class label: resampling is for classification. Use a column of classes as the target, or do not resample.`,
          { column: target, row: i + 1 },
        );
      }
      if (!distinct.has(x)) distinct.set(x, 0);
    }
    values = [...distinct.keys()].sort((a, b) => a - b);
    values.forEach((x, c) => distinct.set(x, c));
    labels = values.map((x) => labelOfNumber(column, x));
    if (missing === 0) for (let i = 0; i < n; i++) classOf[i] = distinct.get(v[i]) as number;
  } else {
    const used = new Uint8Array(column.categories.length);
    for (let i = 0; i < n; i++) {
      const code = column.codes[i];
      if (code < 0) missing++;
      else used[code] = 1;
    }
    const codes: number[] = [];
    for (let c = 0; c < used.length; c++) if (used[c]) codes.push(c);
    // np.unique sorts strings by code point; JavaScript's < compares UTF-16 units, which agrees
    // everywhere outside the astral planes.
    codes.sort((a, b) =>
      column.categories[a] < column.categories[b]
        ? -1
        : column.categories[a] > column.categories[b]
          ? 1
          : 0,
    );
    values = codes;
    labels = codes.map((c) => column.categories[c]);
    const index = new Int32Array(column.categories.length);
    codes.forEach((code, c) => (index[code] = c));
    if (missing === 0) for (let i = 0; i < n; i++) classOf[i] = index[column.codes[i]];
  }
  if (missing > 0) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${target}' is missing in ${missing} of ${n} rows. Drop those rows first (the 'Drop rows with a missing target' step); a target is never imputed.`,
      { column: target, missing },
    );
  }
  const counts = new Array<number>(labels.length).fill(0);
  for (let i = 0; i < n; i++) counts[classOf[i]]++;
  if (labels.length < 2) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${target}' has a single class ('${labels[0]}') in these ${n} rows, so there is nothing to balance. Check the target, or the rows this fold holds.`,
      { column: target },
    );
  }
  return { name: target, column, labels, classOf, counts, values };
}

/** The first class with the largest count (Python's max(counter, key=counter.get)). */
export function majorityClass(counts: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] > counts[best]) best = c;
  return best;
}

/** The first class with the smallest count. */
export function minorityClass(counts: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] < counts[best]) best = c;
  return best;
}

function describeCounts(t: ClassTarget): string {
  return t.labels.map((l, c) => `'${l}': ${t.counts[c]}`).join(', ');
}

function bad(message: string, t: ClassTarget): BenchtopError {
  return new BenchtopError('invalid-argument', message, { column: t.name });
}

/** Checks a strategy's shape (no data needed): the registry's validate uses it. */
export function strategyProblems(v: unknown, key: string): string[] {
  if (v === 'auto') return [];
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= 0 || v > 1) {
      return [
        `'${key}' as a ratio must be above 0 and at most 1 (minority / majority after resampling; it is ${v}).`,
      ];
    }
    return [];
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const out: string[] = [];
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.push(`'${key}' lists no classes.`);
    for (const [label, n] of entries) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        out.push(
          `'${key}' must give a whole number of rows, 0 or more, for class '${label}' (it is ${JSON.stringify(n)}).`,
        );
      }
    }
    return out;
  }
  return [
    `'${key}' must be 'auto', a ratio minority / majority such as 0.5, or rows per class such as {"yes": 500}.`,
  ];
}

function dictCounts(
  strategy: { [label: string]: number },
  t: ClassTarget,
): { c: number; n: number }[] {
  return Object.entries(strategy).map(([label, n]) => {
    const c = t.labels.indexOf(label);
    if (c < 0) {
      throw bad(
        `The sampling strategy names class '${label}', which is not in the target '${t.name}' here (its classes: ${t.labels.map((l) => `'${l}'`).join(', ')}).`,
        t,
      );
    }
    return { c, n };
  });
}

function needBinary(t: ClassTarget, ratio: number): void {
  if (t.labels.length !== 2) {
    throw bad(
      `A ratio (${ratio}) applies to two classes only; the target '${t.name}' has ${t.labels.length}. Give the rows wanted per class instead, e.g. {"${t.labels[0]}": ${Math.max(...t.counts)}}.`,
      t,
    );
  }
}

/**
 * The number of rows each class should have after an over-sampler (never fewer than now), as
 * imbalanced-learn's check_sampling_strategy(..., 'over-sampling').
 */
export function overSamplingTargets(strategy: SamplingStrategy, t: ClassTarget): number[] {
  const out = [...t.counts];
  const majority = majorityClass(t.counts);
  const nMajority = t.counts[majority];
  if (strategy === 'auto') {
    return out.map(() => nMajority);
  }
  if (typeof strategy === 'number') {
    needBinary(t, strategy);
    const minority = 1 - majority;
    // int(n_majority * ratio - count), as imblearn: truncated, and at least one new row.
    const add = Math.trunc(nMajority * strategy - t.counts[minority]);
    if (add <= 0) {
      const now = t.counts[minority] / nMajority;
      throw bad(
        `The ratio ${strategy} would not add any '${t.labels[minority]}' rows: the classes are already at ${now.toFixed(4)} (${describeCounts(t)}). An over-sampler only adds rows: ask for a ratio above ${now.toFixed(4)}, or use random under-sampling to remove '${t.labels[majority]}' rows.`,
        t,
      );
    }
    out[minority] = t.counts[minority] + add;
    return out;
  }
  for (const { c, n } of dictCounts(strategy, t)) {
    if (n < t.counts[c]) {
      throw bad(
        `Class '${t.labels[c]}' has ${t.counts[c]} rows and the strategy asks for ${n}: an over-sampler only adds rows. Ask for ${t.counts[c]} or more, or use random under-sampling to remove rows.`,
        t,
      );
    }
    out[c] = n;
  }
  return out;
}

/**
 * The number of rows each class should keep after an under-sampler (never more than now), as
 * check_sampling_strategy(..., 'under-sampling').
 */
export function underSamplingTargets(strategy: SamplingStrategy, t: ClassTarget): number[] {
  const out = [...t.counts];
  const minority = minorityClass(t.counts);
  const nMinority = t.counts[minority];
  if (strategy === 'auto') return out.map(() => nMinority);
  if (typeof strategy === 'number') {
    needBinary(t, strategy);
    const other = 1 - minority;
    const keep = Math.trunc(nMinority / strategy);
    if (keep > t.counts[other]) {
      throw bad(
        `The ratio ${strategy} would need ${keep} '${t.labels[other]}' rows, but there are only ${t.counts[other]} (${describeCounts(t)}). An under-sampler only removes rows: ask for a ratio of at least ${(nMinority / t.counts[other]).toFixed(4)}, or use an over-sampler.`,
        t,
      );
    }
    out[other] = keep;
    return out;
  }
  for (const { c, n } of dictCounts(strategy, t)) {
    if (n > t.counts[c]) {
      throw bad(
        `Class '${t.labels[c]}' has ${t.counts[c]} rows and the strategy asks for ${n}: an under-sampler only removes rows. Ask for ${t.counts[c]} or fewer, or use an over-sampler.`,
        t,
      );
    }
    out[c] = n;
  }
  return out;
}

/** Cleaning samplers (Tomek links): which classes may lose rows. */
export function cleaningTargets(strategy: string, t: ClassTarget): boolean[] {
  const k = t.labels.length;
  if (strategy === 'all') return new Array<boolean>(k).fill(true);
  if (strategy === 'majority') {
    const m = majorityClass(t.counts);
    return t.labels.map((_, c) => c === m);
  }
  // 'auto' = 'not minority'.
  const m = minorityClass(t.counts);
  return t.labels.map((_, c) => c !== m);
}
