// What the outlier steps share. Each learns, per column, a range [low, high] from the fitting rows:
//   IQR:     [q1 - factor * (q3 - q1), q3 + factor * (q3 - q1)], quartiles by linear interpolation
//            (NumPy's percentile, as pandas' quantile), Tukey's fences with factor 1.5;
//   z-score: [mean - threshold * std, mean + threshold * std] with the population std (ddof = 0),
//            so a value is outside exactly when |scipy.stats.zscore(x)| > threshold.
// A value strictly outside its range is an outlier; a missing value never is. The range is the
// whole state, so transforms are row-independent. What happens to outliers:
//   flag: a boolean `<column>_outlier` column right after the column (missing -> 0);
//   clip: values are clamped to the range. For an integer column the range is first rounded
//         inwards to whole numbers, so the column stays integer (no integer lies between the
//         fractional bound and the rounded one, so the same values are clipped);
//   drop: (the *-drop steps, role 'filter') rows with an outlier in any chosen column are removed
//         while fitting only, and the state records how many.
// A (numerically) constant column gets the range (-Infinity, Infinity): nothing in it is an outlier,
// even when rounding puts its mean an ulp away from its values.
// A rule (IQR, z-score) is one number setting and a way to fit the ranges (an OutlierRule);
// defineFlagOrClip / defineOutlierDrop build its two steps from it, so the step files say only that.
import { BenchtopError } from '../errors';
import {
  findColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  type Frame,
  type FrameColumn,
  type NumericFrameColumn,
} from '../data/frame';
import type { ColumnKind } from '../data/schema';
import { defineStep, numericInput } from './define';
import { keepRows, rowCounts, type RowCounts } from './rows-filter';
import { moments, percentile, presentValues, requireValues } from './stats';
import type { ParamSpec, StepDefinition, StepExample } from './types';

export const OUTLIER_KINDS: readonly ColumnKind[] = ['integer', 'number'];

export type OutlierAction = 'flag' | 'clip';
export const OUTLIER_ACTIONS: readonly OutlierAction[] = ['flag', 'clip'];

export type Bounds = {
  low: Float64Array;
  high: Float64Array;
  /** How many values of each column were outliers in the fitting rows (for the UI). */
  outliers: Int32Array;
};

export const outlierName = (column: string): string => `${column}_outlier`;

const EPS = 2 ** -52;

function countOutside(values: Float64Array, low: number, high: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x < low || x > high) n++;
  }
  return n;
}

/** Tukey's fences per column. */
export function iqrBounds(frame: Frame, columns: readonly string[], factor: number): Bounds {
  const low = new Float64Array(columns.length);
  const high = new Float64Array(columns.length);
  const outliers = new Int32Array(columns.length);
  columns.forEach((name, j) => {
    const column = numericInput(frame, name);
    const values = presentValues(column);
    requireValues(column, values.length, 'quartile to measure outliers from');
    // percentile reorders `values` (presentValues made a copy for it).
    const q1 = percentile(values, 25);
    const q3 = percentile(values, 75);
    const iqr = q3 - q1;
    low[j] = q1 - factor * iqr;
    high[j] = q3 + factor * iqr;
    outliers[j] = countOutside(column.values, low[j], high[j]);
  });
  return { low, high, outliers };
}

/** mean ± threshold · std per column (population std, as scipy.stats.zscore). */
export function zscoreBounds(frame: Frame, columns: readonly string[], threshold: number): Bounds {
  const low = new Float64Array(columns.length);
  const high = new Float64Array(columns.length);
  const outliers = new Int32Array(columns.length);
  columns.forEach((name, j) => {
    const column = numericInput(frame, name);
    const { count, mean, variance } = moments(column);
    requireValues(column, count, 'mean or standard deviation to measure outliers from');
    // The constant-column test scikit-learn's StandardScaler uses (see scale-standard.ts).
    const constant = variance <= count * EPS * variance + (count * mean * EPS) ** 2;
    const std = Math.sqrt(variance);
    low[j] = constant ? -Infinity : mean - threshold * std;
    high[j] = constant ? Infinity : mean + threshold * std;
    outliers[j] = countOutside(column.values, low[j], high[j]);
  });
  return { low, high, outliers };
}

/** Refuses a flag column whose name is taken. */
export function checkFlagNames(frame: Frame, columns: readonly string[]): void {
  for (const name of columns) {
    const flag = outlierName(name);
    if (findColumn(frame, flag)) {
      throw new BenchtopError(
        'invalid-argument',
        `column '${flag}' already exists, so the outlier flag for '${name}' cannot be added. Rename that column, or clip instead of flagging.`,
        { column: flag },
      );
    }
  }
}

/** The clip range actually applied: rounded inwards for integer columns when that keeps a value. */
function clipRange(column: NumericFrameColumn, low: number, high: number): [number, number] {
  if (column.kind !== 'integer') return [low, high];
  const lo = Math.ceil(low);
  const hi = Math.floor(high);
  return lo <= hi ? [lo, hi] : [low, high];
}

/** The kind a clipped column has: integer stays integer when its rounded range is whole. */
function clippedKind(column: NumericFrameColumn, lo: number, hi: number): 'integer' | 'number' {
  return column.kind === 'integer' &&
    (Number.isInteger(lo) || lo === -Infinity) &&
    (Number.isInteger(hi) || hi === Infinity)
    ? 'integer'
    : 'number';
}

/** flag or clip every listed column with its fitted range. */
export function outlierTransform(
  frame: Frame,
  columns: readonly string[],
  bounds: Bounds,
  action: OutlierAction,
): Frame {
  const replacements = new Map<string, FrameColumn[]>();
  columns.forEach((name, j) => {
    const column = numericInput(frame, name);
    const input = column.values;
    const low = bounds.low[j];
    const high = bounds.high[j];
    const out = new Float64Array(input.length);
    if (action === 'flag') {
      for (let i = 0; i < input.length; i++) {
        const x = input[i];
        out[i] = x < low || x > high ? 1 : 0;
      }
      replacements.set(name, [column, { name: outlierName(name), kind: 'boolean', values: out }]);
    } else {
      const [lo, hi] = clipRange(column, low, high);
      for (let i = 0; i < input.length; i++) {
        const x = input[i];
        out[i] = x < lo ? lo : x > hi ? hi : x; // NaN passes through: both comparisons are false
      }
      replacements.set(name, [{ name, kind: clippedKind(column, lo, hi), values: out }]);
    }
  });
  return replaceColumns(frame, replacements);
}

/** Indices of the rows with no outlier in any listed column. */
export function rowsWithoutOutliers(
  frame: Frame,
  columns: readonly string[],
  bounds: Pick<Bounds, 'low' | 'high'>,
): Int32Array {
  const keep = new Uint8Array(frame.rows).fill(1);
  columns.forEach((name, j) => {
    const c = findColumn(frame, name);
    if (!c || !isNumericColumn(c)) return;
    const v = c.values;
    const low = bounds.low[j];
    const high = bounds.high[j];
    for (let i = 0; i < v.length; i++) if (v[i] < low || v[i] > high) keep[i] = 0;
  });
  const out = new Int32Array(frame.rows);
  let n = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) out[n++] = i;
  return out.subarray(0, n);
}

/**
 * One rule of finding outliers: its one number setting (saved recipes name it by `key`, so never
 * rename it) and how it fits each column's range from the fitting rows.
 */
export interface OutlierRule<K extends string> {
  key: K;
  param: ParamSpec & { type: 'number' };
  default: number;
  bounds(frame: Frame, columns: readonly string[], value: number): Bounds;
}

/** The drop steps' settings: the columns and the rule's number. */
export type DropParams<K extends string> = { columns: string[] } & { [Q in K]: number };
/** The flag / clip steps' settings: the drop steps' plus the action. */
export type FlagOrClipParams<K extends string> = DropParams<K> & { action: OutlierAction };
/** The drop steps' state: the ranges, and how many rows the fitting data had and lost. */
export type DropState = Bounds & RowCounts;

/** What a step file says about one of the rule's steps; the rest follows from the rule. */
type RuleStep<P extends { columns: string[] }> = {
  kind: string;
  title: string;
  description: string;
  examples: readonly StepExample<P>[];
};

const COLUMNS_PARAM = { type: 'columns', label: 'Columns', kinds: OUTLIER_KINDS } as const;

/** The rule's number, read from settings that hold it under the rule's key. */
function ruleValue<K extends string>(rule: OutlierRule<K>, params: DropParams<K>): number {
  const values: { [Q in K]: number } = params;
  return values[rule.key];
}

/** A transform step that flags or clips the outliers the rule finds (outliers.iqr, ...). */
export function defineFlagOrClip<K extends string>(
  rule: OutlierRule<K>,
  step: RuleStep<FlagOrClipParams<K>>,
): StepDefinition<FlagOrClipParams<K>, Bounds> {
  // Built in this order so the settings read (and are listed in messages) columns, rule, action.
  // The casts: TypeScript widens a computed key to a string index, so they restate the shape.
  const params = {
    columns: COLUMNS_PARAM,
    [rule.key]: rule.param,
    action: { type: 'choice', label: 'What to do with outliers', options: OUTLIER_ACTIONS },
  } as { readonly [Q in keyof FlagOrClipParams<K>]: ParamSpec };
  const defaults = { columns: [], [rule.key]: rule.default, action: 'flag' } as FlagOrClipParams<K>;
  return defineStep<FlagOrClipParams<K>, Bounds>({
    ...step,
    role: 'transform',
    params,
    defaults,
    fit(frame, p) {
      if (p.action === 'flag') checkFlagNames(frame, p.columns);
      return rule.bounds(frame, p.columns, ruleValue(rule, p));
    },
    transform(frame, fitted) {
      const { columns, action } = fitted.spec.params;
      return outlierTransform(frame, columns, fitted.state, action);
    },
  });
}

/**
 * A filter step that removes, while fitting only, the rows with an outlier the rule finds in any
 * chosen column (outliers.iqr-drop, ...). Its state keeps the ranges and the count of dropped rows.
 */
export function defineOutlierDrop<K extends string>(
  rule: OutlierRule<K>,
  step: RuleStep<DropParams<K>>,
): StepDefinition<DropParams<K>, DropState> {
  const params = { columns: COLUMNS_PARAM, [rule.key]: rule.param } as {
    readonly [Q in keyof DropParams<K>]: ParamSpec;
  };
  const defaults = { columns: [], [rule.key]: rule.default } as DropParams<K>;
  return defineStep<DropParams<K>, DropState>({
    ...step,
    role: 'filter',
    params,
    defaults,
    fit(frame, p) {
      const bounds = rule.bounds(frame, p.columns, ruleValue(rule, p));
      return { ...bounds, ...rowCounts(frame, rowsWithoutOutliers(frame, p.columns, bounds)) };
    },
    transform(frame, fitted) {
      return keepRows(frame, rowsWithoutOutliers(frame, fitted.spec.params.columns, fitted.state));
    },
  });
}

/** Shared example frames: a clear outlier, a missing value, an integer column, a constant one. */
export function outlierFrame(): Frame {
  return makeFrame([
    numericColumn('income', 'number', [31e3, 42e3, null, 38e3, 1.2e6, 29e3, 45e3, 36e3, 40e3]),
    numericColumn('kids', 'integer', [0, 1, 2, 1, 0, 2, 9, 1, 1]),
    numericColumn('flat', 'number', [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
    stringColumn('city', 'categorical', [
      'Oslo',
      'Lima',
      null,
      'Oslo',
      'Pune',
      'Lima',
      'Oslo',
      'Pune',
      'Oslo',
    ]),
  ]);
}

export function outlierExamples<P extends { columns: string[] }>(
  make: (columns: string[], variant: number) => P,
): StepExample<P>[] {
  return [
    {
      name: 'an outlier among incomes, a large family, a missing value',
      params: make(['income', 'kids'], 0),
      frame: outlierFrame,
    },
    {
      name: 'a constant column has no outliers',
      params: make(['flat', 'income'], 1),
      frame: outlierFrame,
    },
  ];
}
