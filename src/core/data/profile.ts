// The dataset profile: per-column statistics (as pandas' describe(): sample std, linearly
// interpolated quartiles), top values, histograms and the warnings a person should see before
// modelling (constant, ID-like, mostly missing, stray values, ragged rows...). One pass over each
// column's typed arrays plus one typed-array sort for numeric columns, so 1M rows profile quickly.
import type { Data, Table, Vector } from 'apache-arrow';
import { Type } from 'apache-arrow';
import { BenchtopError } from '../errors';
import type { IngestReport } from '../ingest/types';
import { numericValues, stringValues, validAt } from './columns';
import type { ColumnProfile, DatasetProfile, ProfileWarning } from './profile-types';
import { formatDate } from './recast';
import type { ColumnKind, ColumnSchema } from './schema';
import { distinctSorted, histogramSorted, moments, quantileSorted, sortNumbers } from './stats';

const TOP_N = 10;
/** A categorical column with more categories than this gets a high-cardinality warning. */
export const HIGH_CARDINALITY = 50;
/** ID-like needs at least this many values: in a tiny table every column is "all unique". */
const ID_LIKE_MIN_VALUES = 10;
const MAX_LINES = 10;

type Top = { value: string; count: number }[];

/** Keeps the n most frequent values, ties broken by value, without sorting every distinct value. */
function topValues(counts: Map<string, number>, n = TOP_N): Top {
  const top: Top = [];
  const before = (a: { value: string; count: number }, b: { value: string; count: number }) =>
    a.count > b.count || (a.count === b.count && a.value < b.value);
  for (const [value, count] of counts) {
    const item = { value, count };
    if (top.length === n && !before(item, top[n - 1])) continue;
    let i = top.length < n ? top.length : n - 1;
    if (top.length < n) top.push(item);
    else top[i] = item;
    while (i > 0 && before(top[i], top[i - 1])) {
      [top[i], top[i - 1]] = [top[i - 1], top[i]];
      i--;
    }
  }
  return top;
}

/** Byte-wise comparison of two UTF-8 ranges: UTF-8 byte order is code point order. */
function compareBytes(bytes: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  const len = Math.min(la, lb);
  for (let k = 0; k < len; k++) {
    const d = bytes[a0 + k] - bytes[b0 + k];
    if (d !== 0) return d;
  }
  return la - lb;
}

const utf8Decoder = new TextDecoder();

/**
 * Distinct values, missing count and top values of one Utf8 chunk without making a JS string per
 * row: an open-addressing hash table over the bytes (FNV-1a), row indices as keys. A text column
 * with a million distinct values profiles several times faster than through a Map of strings.
 */
function countUtf8Chunk(chunk: Data): { unique: number; missing: number; top: Top } | null {
  const offsets = chunk.valueOffsets as Int32Array | undefined;
  const bytes = chunk.values as Uint8Array | undefined;
  if (!(offsets instanceof Int32Array) || !(bytes instanceof Uint8Array)) return null;
  const n = chunk.length;
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1); // row holding the slot's value
  const slotHash = new Int32Array(cap);
  const counts = new Int32Array(cap);
  let unique = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    if (!validAt(chunk, i)) {
      missing++;
      continue;
    }
    const a0 = offsets[i];
    const a1 = offsets[i + 1];
    let h = 0x811c9dc5 ^ (a1 - a0);
    for (let k = a0; k < a1; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
    let slot = h & mask;
    for (;;) {
      const r = slots[slot];
      if (r === -1) {
        slots[slot] = i;
        slotHash[slot] = h;
        counts[slot] = 1;
        unique++;
        break;
      }
      if (slotHash[slot] === h && compareBytes(bytes, offsets[r], offsets[r + 1], a0, a1) === 0) {
        counts[slot]++;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  // Top values: most frequent first, ties by value, keeping only TOP_N candidates at a time.
  const best: number[] = []; // slots
  const before = (x: number, y: number): boolean => {
    if (counts[x] !== counts[y]) return counts[x] > counts[y];
    const rx = slots[x];
    const ry = slots[y];
    return compareBytes(bytes, offsets[rx], offsets[rx + 1], offsets[ry], offsets[ry + 1]) < 0;
  };
  for (let slot = 0; slot < cap; slot++) {
    if (slots[slot] === -1) continue;
    if (best.length === TOP_N && !before(slot, best[TOP_N - 1])) continue;
    let i = best.length < TOP_N ? best.length : TOP_N - 1;
    best[i] = slot;
    while (i > 0 && before(best[i], best[i - 1])) {
      [best[i], best[i - 1]] = [best[i - 1], best[i]];
      i--;
    }
  }
  const top = best.map((slot) => {
    const r = slots[slot];
    return {
      value: utf8Decoder.decode(bytes.subarray(offsets[r], offsets[r + 1])),
      count: counts[slot],
    };
  });
  return { unique, missing, top };
}

/** Counts string values; dictionary-encoded chunks are counted by code first (no string per row). */
function countStrings(vector: Vector): { counts: Map<string, number>; missing: number } {
  const counts = new Map<string, number>();
  let missing = 0;
  const add = (word: string, k: number) => counts.set(word, (counts.get(word) ?? 0) + k);
  if (!vector.data.every((chunk) => chunk.type.typeId === Type.Dictionary && chunk.dictionary)) {
    for (const v of stringValues(vector)) {
      if (v === null) missing++;
      else add(v, 1);
    }
    return { counts, missing };
  }
  for (const chunk of vector.data) {
    const dict = chunk.dictionary!;
    const byCode = new Float64Array(dict.length);
    const codes = chunk.values as ArrayLike<number | bigint>;
    for (let i = 0; i < chunk.length; i++) {
      if (validAt(chunk, i)) byCode[Number(codes[i])]++;
      else missing++;
    }
    for (let k = 0; k < dict.length; k++) {
      if (byCode[k] === 0) continue;
      const w: unknown = dict.get(k);
      if (w === null || w === undefined) missing += byCode[k];
      else add(String(w), byCode[k]);
    }
  }
  return { counts, missing };
}

function emptyProfile(name: string, kind: ColumnKind, rows: number): ColumnProfile {
  return {
    name,
    kind,
    count: 0,
    missing: rows,
    unique: 0,
    min: null,
    max: null,
    mean: null,
    std: null,
    q1: null,
    median: null,
    q3: null,
    top: [],
    histogram: null,
  };
}

const finite = (x: number): number | null => (Number.isNaN(x) ? null : x);

function profileNumeric(name: string, kind: ColumnKind, vector: Vector): ColumnProfile {
  const rows = vector.length;
  const { values, present, missing } = numericValues(vector);
  const count = rows - missing;
  if (count === 0) return emptyProfile(name, kind, rows);
  let vals = values;
  if (present) {
    vals = new Float64Array(count);
    for (let i = 0, j = 0; i < rows; i++) if (present[i]) vals[j++] = values[i];
  }
  const { mean, std } = moments(vals);
  sortNumbers(vals);
  const profile: ColumnProfile = {
    name,
    kind,
    count,
    missing,
    unique: distinctSorted(vals),
    min: vals[0],
    max: vals[count - 1],
    mean: finite(mean),
    std: finite(std),
    q1: finite(quantileSorted(vals, 0.25)),
    median: finite(quantileSorted(vals, 0.5)),
    q3: finite(quantileSorted(vals, 0.75)),
    top: [],
    histogram: null,
  };
  if (kind === 'boolean') {
    // Sorted 0/1 values: the ones start where the zeros end.
    let zeros = 0;
    while (zeros < count && vals[zeros] === 0) zeros++;
    const counts = new Map<string, number>();
    if (zeros > 0) counts.set('false', zeros);
    if (count - zeros > 0) counts.set('true', count - zeros);
    profile.top = topValues(counts);
  } else {
    profile.histogram = histogramSorted(
      vals,
      kind === 'integer' || kind === 'date' ? kind : 'number',
    );
  }
  return profile;
}

function profileStrings(name: string, kind: ColumnKind, vector: Vector): ColumnProfile {
  const rows = vector.length;
  const fast =
    vector.data.length === 1 && vector.data[0].type.typeId === Type.Utf8
      ? countUtf8Chunk(vector.data[0])
      : null;
  let unique: number;
  let missing: number;
  let top: Top;
  if (fast) ({ unique, missing, top } = fast);
  else {
    const counted = countStrings(vector);
    missing = counted.missing;
    unique = counted.counts.size;
    top = topValues(counted.counts);
  }
  if (rows - missing === 0) return emptyProfile(name, kind, rows);
  return { ...emptyProfile(name, kind, rows), count: rows - missing, missing, unique, top };
}

/** Profiles one column. The kind decides the statistics; the storage is read whatever it is. */
export function profileColumn(name: string, kind: ColumnKind, vector: Vector): ColumnProfile {
  if (kind === 'categorical' || kind === 'text') return profileStrings(name, kind, vector);
  return profileNumeric(name, kind, vector);
}

// ---- warnings ----------------------------------------------------------------------------------

function display(p: ColumnProfile): string {
  if (p.kind === 'categorical' || p.kind === 'text' || p.kind === 'boolean') {
    return `'${p.top[0]?.value ?? ''}'`;
  }
  if (p.min === null) return '';
  return p.kind === 'date' ? formatDate(p.min) : String(p.min);
}

const KIND_NOUN: Record<ColumnKind, string> = {
  integer: 'whole numbers',
  number: 'numbers',
  boolean: 'true/false values',
  date: 'dates',
  categorical: 'categories',
  text: 'text',
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function columnWarnings(p: ColumnProfile, rows: number): ProfileWarning[] {
  const out: ProfileWarning[] = [];
  const name = p.name;
  if (rows === 0) return out;
  if (p.count === 0) {
    out.push({
      code: 'all-missing',
      column: name,
      message: `'${name}' has no values at all: every row is missing.`,
    });
    return out;
  }
  if (p.missing / rows > 0.5) {
    const pct = Math.round((100 * p.missing) / rows);
    out.push({
      code: 'mostly-missing',
      column: name,
      message: `'${name}' is missing in ${pct}% of rows (${p.missing} of ${rows}).`,
    });
  }
  if (p.unique === 1 && p.count > 1) {
    out.push({
      code: 'constant',
      column: name,
      message: `'${name}' has the same value (${display(p)}) in every row that has one; it tells a model nothing.`,
    });
  }
  if (
    (p.kind === 'text' || p.kind === 'categorical' || p.kind === 'integer') &&
    p.unique === p.count &&
    p.count >= ID_LIKE_MIN_VALUES
  ) {
    out.push({
      code: 'id-like',
      column: name,
      message: `'${name}' has a different value in every row (${p.count}); it looks like an identifier and is usually left out of models.`,
    });
  }
  if (p.kind === 'categorical' && p.unique > HIGH_CARDINALITY) {
    out.push({
      code: 'high-cardinality',
      column: name,
      message: `'${name}' has ${p.unique} categories; one-hot encoding it would add ${p.unique} columns. Consider grouping rare categories or treating it as text.`,
    });
  }
  return out;
}

function strayWarning(
  name: string,
  kind: ColumnKind,
  stray: { count: number; examples: { line: number; value: string }[] },
  where: 'line' | 'row',
): ProfileWarning {
  const first = stray.examples[0];
  const example = first ? ` (for example '${first.value}' on ${where} ${first.line})` : '';
  return {
    code: 'stray-values',
    column: name,
    message: `'${name}' has ${plural(stray.count, 'value')} that ${stray.count === 1 ? 'is' : 'are'} not ${KIND_NOUN[kind]}${example}; ${stray.count === 1 ? 'it is' : 'they are'} stored as missing.`,
    lines: stray.examples.slice(0, MAX_LINES).map((e) => e.line),
  };
}

function datasetWarnings(report: IngestReport): ProfileWarning[] {
  const out: ProfileWarning[] = [];
  const ragged = report.raggedRows;
  if (ragged && ragged.count > 0) {
    const lines = ragged.lines.slice(0, MAX_LINES);
    out.push({
      code: 'ragged-rows',
      message:
        `${plural(ragged.count, 'row')} ${ragged.count === 1 ? 'has' : 'have'} a different number of fields than the header's ${ragged.expected} ` +
        `and ${ragged.count === 1 ? 'was' : 'were'} left out (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}${ragged.count > lines.length ? ', ...' : ''}).`,
      lines,
    });
  }
  if (report.renamedHeaders.length > 0) {
    const pairs = report.renamedHeaders.map((r) => `'${r.from}' -> '${r.to}'`).join(', ');
    out.push({
      code: 'renamed-headers',
      message: `Some column names were blank or repeated and were renamed: ${pairs}.`,
    });
  }
  return out;
}

/** Profiles every column of a stored table. `report` adds stray values and dataset-wide warnings. */
export function profileTable(
  table: Table,
  schema: ColumnSchema[],
  report?: IngestReport,
): DatasetProfile {
  const rows = table.numRows;
  const columns: ColumnProfile[] = [];
  const warnings: ProfileWarning[] = report ? datasetWarnings(report) : [];
  const where = report && report.format !== 'csv' ? 'row' : 'line';
  schema.forEach((col, i) => {
    const field = table.schema.fields[i];
    const vector = field?.name === col.name ? table.getChildAt(i) : table.getChild(col.name);
    if (!vector) {
      throw new BenchtopError(
        'internal',
        `Column '${col.name}' is in the schema but not in the table.`,
      );
    }
    const p = profileColumn(col.name, col.kind, vector);
    columns.push(p);
    const stray = report?.strayValues[col.name];
    if (stray && stray.count > 0) warnings.push(strayWarning(col.name, col.kind, stray, where));
    warnings.push(...columnWarnings(p, rows));
  });
  return { rows, cols: schema.length, columns, warnings };
}
