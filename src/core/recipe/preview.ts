// Step previews: what each step of a recipe does to the data, for the recipe editor. For step i it
// reports rows and columns before / after, missing counts of the columns it touches, the first rows
// of those columns, histograms, and what the step learned.
//
// This is exploration, not evaluation: every step is fitted on the WHOLE dataset so the person sees
// the real effect on their data. Cross-validation never uses these fits; it refits every step
// inside each training fold (DESIGN.md §2, "nothing is fitted on data it will be scored on").
//
// Cost: the steps are fitted once, in order, each on the previous step's output (the same work as
// fitting the recipe); the statistics are one pass per touched column. Counts are exact; histogram
// plots are drawn from an evenly spaced sample of at most HISTOGRAM_SAMPLE rows.
import { BenchtopError, toBenchtopError, type SerializedError } from '../errors';
import {
  cellValue,
  isNumericColumn,
  type Frame,
  type FrameColumn,
  type RowValue,
} from '../data/frame';
import type { Histogram } from '../data/profile-types';
import type { ColumnSchema } from '../data/schema';
import { histogramSorted, sortNumbers } from '../data/stats';
import {
  fitStep,
  getStep,
  hasStep,
  stepInputs,
  type FittedStep,
  type JsonObject,
  type JsonValue,
  type StateValue,
  type StepRole,
  type StepSpec,
} from '../steps';

/** Rows used to draw histograms (counts and missing figures always use every row). */
export const HISTOGRAM_SAMPLE = 20_000;
/** Rows shown before / after. */
export const SAMPLE_ROWS = 10;
/** Longest list kept in a step's summary (a 1,000-category list is cut, with the length noted). */
const SUMMARY_LIST = 50;

export interface SampleTable {
  columns: ColumnSchema[];
  /** rows[r][c]: numbers (dates as epoch ms), booleans, text, or null for missing. */
  rows: RowValue[][];
  /**
   * A filter's preview only: the 1-based number of each shown row in the step's input, so the
   * before and after tables line up row by row (the after table skips the dropped ones).
   */
  rowNumbers?: number[];
  /** A filter's before table only: whether each shown row is removed by the step. */
  dropped?: boolean[];
}

/** Exact figures of a numeric column over every row (std with n - 1, as the profile). */
export interface NumericSummary {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface ColumnStats {
  column: string;
  before: NumericSummary | null;
  after: NumericSummary | null;
}

export interface ColumnHistograms {
  column: string;
  before: Histogram | null;
  after: Histogram | null;
}

export interface StepPreview {
  /** 0-based place of the step in the recipe. */
  index: number;
  kind: string;
  title: string;
  role: StepRole;
  rows: { before: number; after: number };
  columns: {
    before: ColumnSchema[];
    after: ColumnSchema[];
    added: string[];
    removed: string[];
  };
  /** Columns the step reads or writes: the ones the figures below describe. */
  touched: string[];
  /** Exact missing counts of the touched columns (null where the column does not exist). */
  missing: { column: string; before: number | null; after: number | null }[];
  sample: { before: SampleTable; after: SampleTable };
  /** Numeric touched columns. Drawn from `histogramRows` rows when the data is larger. */
  histograms: ColumnHistograms[];
  /**
   * Numeric touched columns: mean, std, min and max before / after over every row, so the editor
   * can show what a scaler or a clip did in numbers ("mean 16.4 -> 0"). Optional: added after the
   * first version of this shape.
   */
  stats?: ColumnStats[];
  histogramRows: number;
  /**
   * What the step learned, as JSON: its fitted state (per-column lists keyed by column name, long
   * lists cut), plus `dropped` rows for a filter.
   */
  summary: JsonObject;
  /** Set when this step could not be fitted; later steps are then not previewed. */
  error?: SerializedError;
}

export interface PreviewOptions {
  seed?: number;
  sampleRows?: number;
  histogramSample?: number;
}

function missingCount(c: FrameColumn): number {
  let n = 0;
  if (isNumericColumn(c)) {
    const v = c.values;
    for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) n++;
  } else {
    const codes = c.codes;
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) n++;
  }
  return n;
}

function columnMap(frame: Frame): Map<string, FrameColumn> {
  return new Map(frame.columns.map((c) => [c.name, c]));
}

function sampleTable(frame: Frame, names: readonly string[], count: number): SampleTable {
  const byName = columnMap(frame);
  const cols = names.map((n) => byName.get(n)).filter((c): c is FrameColumn => c !== undefined);
  const rows: RowValue[][] = [];
  for (let i = 0; i < Math.min(count, frame.rows); i++) rows.push(cols.map((c) => cellValue(c, i)));
  return { columns: cols.map((c) => ({ name: c.name, kind: c.kind })), rows };
}

/** Whether row i of `a` holds the same values as row j of `b` (same columns, same order). */
function sameRow(a: Frame, i: number, b: Frame, j: number): boolean {
  for (let c = 0; c < a.columns.length; c++) {
    const ca = a.columns[c];
    const cb = b.columns[c];
    if (isNumericColumn(ca)) {
      if (!isNumericColumn(cb)) return false;
      const x = ca.values[i];
      const y = cb.values[j];
      if (x !== y && !(x !== x && y !== y)) return false;
    } else {
      if (isNumericColumn(cb)) return false;
      const x = ca.codes[i];
      const y = cb.codes[j];
      if (x < 0 !== y < 0) return false;
      if (x >= 0 && ca.categories[x] !== cb.categories[y]) return false;
    }
  }
  return true;
}

/** Dropped rows shown after the first rows when none of those was dropped. */
export const DROPPED_EXAMPLES = 3;

/**
 * Before / after rows of a filter, lined up: a filter keeps the remaining rows in order, so the
 * output is a subsequence of the input and a greedy walk finds which input rows went. Shows the
 * first `count` input rows (dropped ones marked), then up to DROPPED_EXAMPLES later dropped rows
 * when the first rows lost none, so a person sees what the step removes. Null when the frames do
 * not have the same columns (not a plain filter).
 */
function filterSamples(
  before: Frame,
  after: Frame,
  names: readonly string[],
  count: number,
): { before: SampleTable; after: SampleTable } | null {
  if (
    before.columns.length !== after.columns.length ||
    before.columns.some((c, k) => c.name !== after.columns[k].name)
  ) {
    return null;
  }
  const dropped = before.rows - after.rows;
  const picks: { row: number; kept: number }[] = [];
  const wanted = Math.min(DROPPED_EXAMPLES, dropped);
  let shownDropped = 0;
  let j = 0;
  for (let i = 0; i < before.rows; i++) {
    const first = i < count;
    if (!first && shownDropped >= wanted) break;
    const kept = j < after.rows && sameRow(before, i, after, j);
    if (first || !kept) picks.push({ row: i, kept: kept ? j : -1 });
    if (kept) j++;
    else shownDropped++;
  }
  const b = columnMap(before);
  const a = columnMap(after);
  const pick = (m: Map<string, FrameColumn>) =>
    names.map((n) => m.get(n)).filter((c): c is FrameColumn => c !== undefined);
  const bc = pick(b);
  const ac = pick(a);
  const schema = bc.map((c) => ({ name: c.name, kind: c.kind }));
  const keptPicks = picks.filter((p) => p.kept >= 0);
  return {
    before: {
      columns: schema,
      rows: picks.map((p) => bc.map((c) => cellValue(c, p.row))),
      rowNumbers: picks.map((p) => p.row + 1),
      dropped: picks.map((p) => p.kept < 0),
    },
    after: {
      columns: schema,
      rows: keptPicks.map((p) => ac.map((c) => cellValue(c, p.kept))),
      rowNumbers: keptPicks.map((p) => p.row + 1),
    },
  };
}

/**
 * The same figures for 0/1 values in one pass (one-hot encoding adds dozens of these columns): the
 * mean is the share of ones, and the sample variance follows from it.
 */
function booleanSummary(v: Float64Array): NumericSummary {
  let n = 0;
  let ones = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === x) {
      n++;
      ones += x;
    }
  }
  if (n === 0) return { count: 0, mean: null, std: null, min: null, max: null };
  const mean = ones / n;
  return {
    count: n,
    mean,
    std:
      n > 1
        ? Math.sqrt((ones * (1 - mean) * (1 - mean) + (n - ones) * mean * mean) / (n - 1))
        : null,
    min: ones === n ? 1 : 0,
    max: ones === 0 ? 0 : 1,
  };
}

/** Mean, sample std, min and max of a numeric column's non-missing values, over every row. */
function summaryOf(c: FrameColumn | undefined): NumericSummary | null {
  if (!c || !isNumericColumn(c)) return null;
  const v = c.values;
  if (c.kind === 'boolean') return booleanSummary(v);
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    n++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (n === 0) return { count: 0, mean: null, std: null, min: null, max: null };
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === x) sq += (x - mean) * (x - mean);
  }
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    count: n,
    mean: finite(mean),
    std: n > 1 ? finite(Math.sqrt(sq / (n - 1))) : null,
    min: finite(min),
    max: finite(max),
  };
}

/** Histogram of a numeric column's non-missing values, from an evenly spaced sample of rows. */
function histogramOf(c: FrameColumn | undefined, sample: number): Histogram | null {
  if (!c || !isNumericColumn(c) || c.kind === 'boolean') return null;
  const v = c.values;
  const stride = Math.max(1, Math.ceil(v.length / sample));
  const picked = new Float64Array(Math.ceil(v.length / stride));
  let n = 0;
  for (let i = 0; i < v.length; i += stride) {
    const x = v[i];
    if (x === x && x !== Infinity && x !== -Infinity) picked[n++] = x;
  }
  if (n === 0) return null;
  const sorted = sortNumbers(picked.subarray(0, n));
  return histogramSorted(sorted, c.kind === 'integer' || c.kind === 'date' ? c.kind : 'number');
}

/** A state value as JSON, long lists cut to SUMMARY_LIST entries. */
function toJson(v: StateValue): JsonValue {
  if (v === null || typeof v !== 'object')
    return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const list = Array.from(v as ArrayLike<StateValue>).slice(0, SUMMARY_LIST);
    return list.map(toJson);
  }
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = toJson(x);
  return out;
}

function lengthOf(v: StateValue): number | null {
  if (v !== null && typeof v === 'object' && (ArrayBuffer.isView(v) || Array.isArray(v)))
    return (v as ArrayLike<unknown>).length;
  return null;
}

/**
 * The fitted state for people: a list with one entry per column of params.columns becomes an
 * object keyed by column name ({center: {age: 41.2}}), other values are kept (cut when long).
 */
export function summarizeFitted(fitted: FittedStep): JsonObject {
  const columns = fitted.spec.params.columns;
  const names =
    Array.isArray(columns) && columns.every((c) => typeof c === 'string') ? columns : null;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(fitted.state)) {
    const len = lengthOf(value);
    if (names && len === names.length && len > 0) {
      const items = Array.from(value as ArrayLike<StateValue>);
      const byColumn: JsonObject = {};
      names.forEach((n, j) => (byColumn[n as string] = toJson(items[j])));
      out[key] = byColumn;
    } else {
      out[key] = toJson(value);
      if (len !== null && len > SUMMARY_LIST) out[`${key}Count`] = len;
    }
  }
  return out;
}

function titleOf(kind: string): { title: string; role: StepRole } {
  if (!hasStep(kind)) return { title: kind, role: 'transform' };
  const def = getStep(kind);
  return { title: def.title, role: def.role };
}

/** The columns a step touched: read, added, removed or replaced (steps share untouched columns). */
function touchedColumns(before: Frame, after: Frame, spec: StepSpec, role: StepRole): string[] {
  const out = new Set<string>();
  if (hasStep(spec.kind)) {
    for (const { column } of stepInputs(getStep(spec.kind), spec.params)) out.add(column);
  }
  if (role !== 'filter') {
    const a = columnMap(after);
    for (const c of before.columns) if (a.get(c.name) !== c) out.add(c.name);
    const b = columnMap(before);
    for (const c of after.columns) if (b.get(c.name) !== c) out.add(c.name);
  }
  const present = new Set([...before.columns, ...after.columns].map((c) => c.name));
  return [...out].filter((n) => present.has(n));
}

function describe(
  index: number,
  spec: StepSpec,
  before: Frame,
  after: Frame,
  fitted: FittedStep | null,
  options: Required<PreviewOptions>,
): StepPreview {
  const { title, role } = titleOf(spec.kind);
  const beforeSchema = before.columns.map((c) => ({ name: c.name, kind: c.kind }));
  const afterSchema = after.columns.map((c) => ({ name: c.name, kind: c.kind }));
  const beforeNames = new Set(beforeSchema.map((c) => c.name));
  const afterNames = new Set(afterSchema.map((c) => c.name));
  const touched = fitted ? touchedColumns(before, after, fitted.spec, role) : [];
  const b = columnMap(before);
  const a = columnMap(after);
  // One summary per distinct column object (a column the step did not replace is the same object
  // before and after); a numeric column's missing count comes from it, saving a pass per column.
  const summaries = new Map<FrameColumn, NumericSummary | null>();
  const summarize = (c: FrameColumn | undefined): NumericSummary | null => {
    if (!c) return null;
    let s = summaries.get(c);
    if (s === undefined) {
      s = summaryOf(c);
      summaries.set(c, s);
    }
    return s;
  };
  const missingOf = (c: FrameColumn | undefined): number | null => {
    if (!c) return null;
    const s = summarize(c);
    return s && isNumericColumn(c) ? c.values.length - s.count : missingCount(c);
  };
  const stats: ColumnStats[] = [];
  const missing = touched.map((column) => {
    const cb = b.get(column);
    const ca = a.get(column);
    const sb = summarize(cb);
    const sa = summarize(ca);
    if (sb || sa) stats.push({ column, before: sb, after: sa });
    return { column, before: missingOf(cb), after: missingOf(ca) };
  });
  const histograms: ColumnHistograms[] = [];
  for (const column of touched) {
    const cb = b.get(column);
    const ca = a.get(column);
    const hb = histogramOf(cb, options.histogramSample);
    const ha = ca === cb ? hb : histogramOf(ca, options.histogramSample);
    if (hb || ha) histograms.push({ column, before: hb, after: ha });
  }
  const summary = fitted ? summarizeFitted(fitted) : {};
  if (role === 'filter') summary.dropped = before.rows - after.rows;
  return {
    index,
    kind: spec.kind,
    title,
    role,
    rows: { before: before.rows, after: after.rows },
    columns: {
      before: beforeSchema,
      after: afterSchema,
      added: afterSchema.filter((c) => !beforeNames.has(c.name)).map((c) => c.name),
      removed: beforeSchema.filter((c) => !afterNames.has(c.name)).map((c) => c.name),
    },
    touched,
    missing,
    sample: (role === 'filter'
      ? filterSamples(
          before,
          after,
          touched.filter((n) => beforeNames.has(n)),
          options.sampleRows,
        )
      : null) ?? {
      before: sampleTable(
        before,
        touched.filter((n) => beforeNames.has(n)),
        options.sampleRows,
      ),
      after: sampleTable(
        after,
        touched.filter((n) => afterNames.has(n)),
        options.sampleRows,
      ),
    },
    histograms,
    stats,
    histogramRows: Math.min(options.histogramSample, Math.max(before.rows, after.rows)),
    summary,
  };
}

function resolveOptions(options: PreviewOptions): Required<PreviewOptions> {
  return {
    seed: options.seed ?? 0,
    sampleRows: options.sampleRows ?? SAMPLE_ROWS,
    histogramSample: options.histogramSample ?? HISTOGRAM_SAMPLE,
  };
}

/**
 * Fits steps 0..last in order, yielding the preview of each step whose index `wanted` accepts. A
 * step that fails yields a preview with `error` (and the data it was given), and ends the walk.
 * A generator, so the data worker can yield to the event loop (and notice a cancel) between steps.
 */
export function* previewSteps(
  frame: Frame,
  specs: readonly StepSpec[],
  options: PreviewOptions = {},
  last = specs.length - 1,
  wanted: (index: number) => boolean = () => true,
): Generator<StepPreview, void, void> {
  const opts = resolveOptions(options);
  let current = frame;
  for (let i = 0; i <= last && i < specs.length; i++) {
    const spec = specs[i];
    let result: { fitted: FittedStep; frame: Frame };
    try {
      result = fitStep(current, spec, opts.seed, i + 1);
    } catch (err) {
      const failed = describe(i, spec, current, current, null, opts);
      failed.error = toBenchtopError(err, `Step ${i + 1} could not be fitted`).toJSON();
      yield failed;
      return;
    }
    if (wanted(i)) yield describe(i, spec, current, result.frame, result.fitted, opts);
    current = result.frame;
  }
}

/** Every step's preview, in one pass over the recipe (what the recipe editor shows). */
export function previewAll(
  frame: Frame,
  specs: readonly StepSpec[],
  options: PreviewOptions = {},
): StepPreview[] {
  return [...previewSteps(frame, specs, options)];
}

/**
 * The preview of step `index` alone (steps before it are fitted, not described). When an earlier
 * step fails, its preview (with `error`) is returned instead.
 */
export function previewStep(
  frame: Frame,
  specs: readonly StepSpec[],
  index: number,
  options: PreviewOptions = {},
): StepPreview {
  if (!Number.isInteger(index) || index < 0 || index >= specs.length) {
    throw new BenchtopError(
      'invalid-argument',
      `There is no step ${index + 1} to preview: the recipe has ${specs.length} step${specs.length === 1 ? '' : 's'}.`,
      { step: index + 1 },
    );
  }
  const out = [...previewSteps(frame, specs, options, index, (i) => i === index)];
  return out[out.length - 1];
}
