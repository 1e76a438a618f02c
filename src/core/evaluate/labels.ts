// The label mapping of a classification target: class index <-> label, in sorted label order (as
// scikit-learn's LabelEncoder / np.unique: numbers ascending, text by code unit), and the binary
// positive class: the minority class unless the user names another (DESIGN.md §7).
import { BenchtopError } from '../errors';
import { isNumericColumn, type FrameColumn } from '../data/frame';

export interface LabelMapping {
  /** labels[c] is the label of class index c. */
  labels: string[];
  /** Rows per class over the whole dataset (missing targets not counted). */
  counts: number[];
  /** Binary tasks: the class index scored as positive. Null for 3+ classes. */
  positive: number | null;
}

/** The label of one numeric target value, as it is shown and matched (`--positive 1`). */
function numericLabel(column: FrameColumn, v: number): string {
  return column.kind === 'boolean' ? (v !== 0 ? 'true' : 'false') : String(v);
}

/** Distinct present values of the target with their counts, sorted as np.unique sorts them. */
function distinctValues(column: FrameColumn): { labels: string[]; counts: number[] } {
  if (isNumericColumn(column)) {
    const counts = new Map<number, number>();
    for (const v of column.values) if (v === v) counts.set(v, (counts.get(v) ?? 0) + 1);
    const values = [...counts.keys()].sort((a, b) => a - b);
    return {
      labels: values.map((v) => numericLabel(column, v)),
      counts: values.map((v) => counts.get(v)!),
    };
  }
  const perCode = new Float64Array(column.categories.length);
  for (const c of column.codes) if (c >= 0) perCode[c]++;
  const used = column.categories
    .map((label, code) => ({ label, n: perCode[code] }))
    .filter((e) => e.n > 0)
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { labels: used.map((e) => e.label), counts: used.map((e) => e.n) };
}

export function labelMapping(column: FrameColumn, positive?: string): LabelMapping {
  const { labels, counts } = distinctValues(column);
  if (labels.length === 0) {
    throw new BenchtopError(
      'invalid-argument',
      `The target column '${column.name}' has no values: every row is missing. Choose another target.`,
      { column: column.name },
    );
  }
  if (labels.length === 1) {
    throw new BenchtopError(
      'invalid-argument',
      `The target '${column.name}' has one class only ('${labels[0]}', ${counts[0]} rows): a classifier needs at least two. Choose another target, or add rows of another class.`,
      { column: column.name, class: labels[0] },
    );
  }
  let pos: number | null = null;
  if (positive !== undefined) {
    pos = labels.indexOf(positive);
    if (pos < 0) {
      throw new BenchtopError(
        'invalid-argument',
        `The positive class '${positive}' is not a value of the target '${column.name}'; its classes are ${labels.map((l) => `'${l}'`).join(', ')}.`,
        { column: column.name },
      );
    }
    if (labels.length > 2) pos = null; // multiclass scores are macro averages: no positive class
  } else if (labels.length === 2) {
    // The minority class; on a tie, class 1 (scikit-learn's default pos_label=1).
    pos = counts[0] < counts[1] ? 0 : 1;
  }
  return { labels, counts, positive: pos };
}

/** Class index per row (-1 where the target is missing) through a mapping built on any frame. */
export function encodeTarget(column: FrameColumn, mapping: LabelMapping): Int32Array {
  const index = new Map(mapping.labels.map((l, i) => [l, i]));
  const lookup = (label: string, row: number): number => {
    const c = index.get(label);
    if (c === undefined) {
      throw new BenchtopError(
        'internal',
        `Row ${row + 1} of the target '${column.name}' holds '${label}', which is not one of the classes seen in the data.`,
        { column: column.name },
      );
    }
    return c;
  };
  if (isNumericColumn(column)) {
    // One label string per distinct value, not per row (targets have few distinct values).
    const byValue = new Map<number, number>();
    const values = column.values;
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) {
        out[i] = -1;
        continue;
      }
      let c = byValue.get(v);
      if (c === undefined) {
        c = lookup(numericLabel(column, v), i);
        byValue.set(v, c);
      }
      out[i] = c;
    }
    return out;
  }
  const perCode = new Int32Array(column.categories.length).fill(-2);
  const out = new Int32Array(column.codes.length);
  column.codes.forEach((code, i) => {
    if (code < 0) out[i] = -1;
    else {
      if (perCode[code] === -2) perCode[code] = lookup(column.categories[code], i);
      out[i] = perCode[code];
    }
  });
  return out;
}

/** Regression target values (NaN = missing); a non-numeric target is refused. */
export function regressionTarget(column: FrameColumn): Float64Array {
  if (!isNumericColumn(column)) {
    throw new BenchtopError(
      'invalid-argument',
      `The target '${column.name}' is ${column.kind}, but regression predicts numbers: choose a numeric target, or switch the task to classification.`,
      { column: column.name },
    );
  }
  return column.values;
}
