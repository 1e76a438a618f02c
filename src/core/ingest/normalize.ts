// Benchtop's storage convention, shared by every reader and by the type override (recast): whatever
// a file holds, a stored table has one contiguous Arrow column per field, typed by its kind:
//   integer     -> Int32 when every value fits, else Float64 (kind stays 'integer')
//   number      -> Float64 (NaN is stored as missing, as pandas reads it)
//   boolean     -> Bool
//   date        -> DateMillisecond (epoch ms, UTC)
//   categorical -> Dictionary<Utf8, Int32> (dictionary in first-appearance order)
//   text        -> Utf8
// and the kind is written into the field's metadata (KIND_METADATA_KEY) so IPC bytes carry it.
// This file also turns any Arrow table (from an .arrow file) or decoded column values (from
// Parquet) into that convention.
import {
  Bool,
  DateMillisecond,
  Dictionary,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  Utf8,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { BenchtopError } from '../errors';
import { KIND_METADATA_KEY, type ColumnKind, type ColumnSchema } from '../data/schema';
import { isStringType, numericValues, stringValues, type Presence } from '../data/columns';

/**
 * The one rule deciding whether a string column is categorical or free text, shared with the CSV
 * reader: categorical when it has at most max(20, 5% of its non-missing values) distinct values.
 */
export function isCategorical(unique: number, nonMissing: number): boolean {
  return unique <= Math.max(20, 0.05 * nonMissing);
}

export type { Presence };

/** A column in storage form: its schema entry and one contiguous Arrow Data chunk. */
export interface BuiltColumn {
  schema: ColumnSchema;
  data: Data;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Packs a presence mask into an Arrow validity bitmap; no bitmap when nothing is missing. */
export function validity(
  present: Presence,
  length: number,
): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (!present) return { nullBitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(((length + 63) >> 6) << 3);
  let nulls = 0;
  for (let i = 0; i < length; i++) {
    if (present[i]) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0
    ? { nullBitmap: undefined, nullCount: 0 }
    : { nullBitmap: bitmap, nullCount: nulls };
}

/**
 * Integers: Int32 storage when every present value fits, else Float64 (exact up to 2^53). Missing
 * rows may hold any value in `values`; they are zeroed so the stored bytes are deterministic.
 */
export function integerData(values: Float64Array, present: Presence): Data {
  const n = values.length;
  let fits = true;
  for (let i = 0; i < n; i++) {
    if (present && !present[i]) continue;
    const v = values[i];
    if (v < INT32_MIN || v > INT32_MAX) {
      fits = false;
      break;
    }
  }
  const { nullBitmap, nullCount } = validity(present, n);
  if (fits) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = present && !present[i] ? 0 : values[i];
    return makeData({ type: new Int32(), length: n, nullCount, nullBitmap, data: out });
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = present && !present[i] ? 0 : values[i];
  return makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data: out });
}

/** Numbers: Float64; NaN counts as missing. */
export function numberData(values: Float64Array, present: Presence): Data {
  const n = values.length;
  let mask = present;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i]) && (!mask || mask[i])) {
      if (!mask) mask = new Uint8Array(n).fill(1);
      mask[i] = 0;
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mask && !mask[i] ? 0 : values[i];
  const { nullBitmap, nullCount } = validity(mask, n);
  return makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data: out });
}

/** Booleans: one byte per row (non-zero = true) packed into Arrow's Bool bitmap. */
export function booleanData(values: Uint8Array, present: Presence): Data {
  const n = values.length;
  const bits = new Uint8Array(((n + 63) >> 6) << 3);
  for (let i = 0; i < n; i++) {
    if (values[i] && (!present || present[i])) bits[i >> 3] |= 1 << (i & 7);
  }
  const { nullBitmap, nullCount } = validity(present, n);
  return makeData({ type: new Bool(), length: n, nullCount, nullBitmap, data: bits });
}

/** Dates: epoch milliseconds (UTC) as DateMillisecond; sub-millisecond parts are rounded. */
export function dateData(ms: Float64Array, present: Presence): Data {
  const n = ms.length;
  let mask = present;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(ms[i]) && (!mask || mask[i])) {
      if (!mask) mask = new Uint8Array(n).fill(1);
      mask[i] = 0;
    }
  }
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) if (!mask || mask[i]) out[i] = BigInt(Math.round(ms[i]));
  const { nullBitmap, nullCount } = validity(mask, n);
  return makeData({ type: new DateMillisecond(), length: n, nullCount, nullBitmap, data: out });
}

/** Categorical: Dictionary<Utf8, Int32>, dictionary in order of first appearance. */
export function categoricalData(values: ArrayLike<string | null>): Data {
  const n = values.length;
  const codes = new Int32Array(n);
  const present = new Uint8Array(n);
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) {
      missing++;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = dictionary.length;
      index.set(v, code);
      dictionary.push(v);
    }
    codes[i] = code;
    present[i] = 1;
  }
  const { nullBitmap, nullCount } = validity(missing > 0 ? present : null, n);
  return makeData({
    type: new Dictionary(new Utf8(), new Int32()),
    length: n,
    nullCount,
    nullBitmap,
    data: codes,
    dictionary: vectorFromArray(dictionary, new Utf8()),
  });
}

const encoder = new TextEncoder();

/**
 * Free text: Utf8, built directly (offsets + one byte buffer filled with encodeInto), several
 * times faster than Arrow's generic builder on a million strings.
 */
export function textData(values: ArrayLike<string | null>): Data {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const present = new Uint8Array(n);
  let chars = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) missing++;
    else chars += v.length;
  }
  // Most text is ASCII (one byte per char); grow when it is not.
  let bytes = new Uint8Array(Math.max(16, chars + (chars >> 3)));
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null) {
      present[i] = 1;
      let r = encoder.encodeInto(v, bytes.subarray(at));
      while (r.read < v.length) {
        // Did not fit: grow (a UTF-16 unit needs at most 3 bytes) and encode the value again.
        const grown = new Uint8Array(Math.max(at + v.length * 3, bytes.length * 2));
        grown.set(bytes.subarray(0, at));
        bytes = grown;
        r = encoder.encodeInto(v, bytes.subarray(at));
      }
      at += r.written;
      // Utf8 offsets are 32-bit: past 2 GiB they would wrap around silently.
      if (at > 0x7fffffff) {
        throw new BenchtopError(
          'too-large',
          'A text column holds more than 2 GB of text, which Benchtop cannot store.',
        );
      }
    }
    offsets[i + 1] = at;
  }
  const { nullBitmap, nullCount } = validity(missing ? present : null, n);
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount,
    nullBitmap,
    valueOffsets: offsets,
    data: bytes.subarray(0, at),
  });
}

/**
 * Chooses categorical or text for a string column with the shared rule. Stops counting distinct
 * values as soon as the rule says text, so a million-row ID column never fills a Set.
 */
export function inferStringKind(values: ArrayLike<string | null>): 'categorical' | 'text' {
  let nonMissing = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) nonMissing++;
  // A column with no values at all stays text: there is nothing to encode.
  if (nonMissing === 0) return 'text';
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    seen.add(v);
    if (!isCategorical(seen.size, nonMissing)) return 'text';
  }
  return 'categorical';
}

/** Builds the storage Data for string values of the given kind. */
export function stringData(values: ArrayLike<string | null>, kind: 'categorical' | 'text'): Data {
  return kind === 'categorical' ? categoricalData(values) : textData(values);
}

/** The Arrow field of a stored column, carrying its kind (and source name) as metadata. */
export function kindField(column: ColumnSchema, type: DataType): Field {
  const metadata = new Map<string, string>([[KIND_METADATA_KEY, column.kind]]);
  return new Field(column.name, type, true, metadata);
}

/** Assembles stored columns into a one-batch table. */
export function buildTable(columns: BuiltColumn[]): Table {
  if (columns.length === 0) {
    throw new BenchtopError('no-columns', 'The file has no columns that Benchtop can read.');
  }
  const length = columns[0].data.length;
  for (const c of columns) {
    if (c.data.length !== length) {
      throw new BenchtopError(
        'internal',
        `Column '${c.schema.name}' has ${c.data.length} rows but '${columns[0].schema.name}' has ${length}.`,
      );
    }
  }
  const fields = columns.map((c) => kindField(c.schema, c.data.type));
  const schema = new Schema(fields);
  const batch = new RecordBatch(
    schema,
    makeData({
      type: new Struct(fields),
      length,
      nullCount: 0,
      children: columns.map((c) => c.data),
    }),
  );
  return new Table(schema, [batch]);
}

/** Reads the column kinds back from a stored table's field metadata (e.g. after IPC). */
export function schemaFromTable(table: Table): ColumnSchema[] {
  return table.schema.fields.map((f) => {
    const kind = f.metadata.get(KIND_METADATA_KEY);
    if (!kind) {
      throw new BenchtopError(
        'internal',
        `Column '${f.name}' has no Benchtop kind in its metadata.`,
      );
    }
    return { name: f.name, kind: kind as ColumnKind };
  });
}

// ---------------------------------------------------------------------------------------------
// Generic decoded values (Parquet) -> storage
// ---------------------------------------------------------------------------------------------

/** What a column's values are, as declared by the file (not guessed from text). */
export type ValueClass = 'integer' | 'number' | 'boolean' | 'date' | 'string' | 'json';

/** JSON text for nested values (lists, structs, maps): bigint as number, Date as ISO text. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') {
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(v)
        : String(v);
    }
    if (v instanceof Date) return v.toISOString();
    if (ArrayBuffer.isView(v) && !(v instanceof DataView))
      return Array.from(v as unknown as ArrayLike<number>);
    if (
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { toJSON?: unknown }).toJSON === 'function'
    ) {
      return (v as { toJSON(): unknown }).toJSON();
    }
    return v;
  });
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number(v);
}

/**
 * Converts one column of decoded JS values (null/undefined = missing) into storage form.
 * `notes` collects what a person should know (precision lost, nested values shown as JSON).
 */
export function columnFromValues(
  name: string,
  values: ArrayLike<unknown>,
  cls: ValueClass,
  notes: string[],
): BuiltColumn {
  const n = values.length;
  if (cls === 'string' || cls === 'json') {
    const strings = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      strings[i] = v === null || v === undefined ? null : typeof v === 'string' ? v : jsonText(v);
    }
    if (cls === 'json') {
      notes.push(`'${name}' holds nested values (lists or records); they are shown as JSON text.`);
      return { schema: { name, kind: 'text' }, data: textData(strings) };
    }
    const kind = inferStringKind(strings);
    return { schema: { name, kind }, data: stringData(strings, kind) };
  }
  const present = new Uint8Array(n);
  let missing = 0;
  if (cls === 'boolean') {
    const bools = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) missing++;
      else {
        present[i] = 1;
        bools[i] = v ? 1 : 0;
      }
    }
    return {
      schema: { name, kind: 'boolean' },
      data: booleanData(bools, missing ? present : null),
    };
  }
  const nums = new Float64Array(n);
  let unsafe = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      missing++;
      continue;
    }
    const x = toNumber(v);
    if (Number.isNaN(x)) {
      missing++;
      continue;
    }
    if (typeof v === 'bigint' && !Number.isSafeInteger(x)) unsafe = true;
    present[i] = 1;
    nums[i] = x;
  }
  const mask = missing ? present : null;
  if (unsafe) {
    notes.push(
      `'${name}' has integers beyond 2^53; they are stored rounded to the nearest double.`,
    );
  }
  if (cls === 'integer')
    return { schema: { name, kind: 'integer' }, data: integerData(nums, mask) };
  if (cls === 'date') return { schema: { name, kind: 'date' }, data: dateData(nums, mask) };
  return { schema: { name, kind: 'number' }, data: numberData(nums, mask) };
}

// ---------------------------------------------------------------------------------------------
// Arrow table -> storage
// ---------------------------------------------------------------------------------------------

/** Values through the vector's own accessor: for nested and less common layouts. */
function readGeneric(vector: Vector): unknown[] {
  const out = new Array<unknown>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector.get(i);
  return out;
}

function timeOfDay(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const pad = (x: number) => String(Math.floor(x)).padStart(2, '0');
  const frac = s % 1 === 0 ? '' : (s % 1).toFixed(3).slice(1);
  return `${pad(h)}:${pad(m)}:${pad(s)}${frac}`;
}

function unsupported(
  sourceName: string,
  column: string,
  type: DataType,
  what: string,
): BenchtopError {
  return new BenchtopError(
    'unsupported-format',
    `${sourceName}: column '${column}' has type ${String(type)} (${what}), which Benchtop cannot analyse. ` +
      'Drop or convert that column (for example to text) before exporting the file.',
    { column, type: String(type) },
  );
}

/** Converts one Arrow column to storage form. */
function normalizeVector(
  sourceName: string,
  name: string,
  vector: Vector,
  notes: string[],
): BuiltColumn {
  const type = vector.type as DataType;
  const numeric = () => {
    const col = numericValues(vector);
    if (col.unsafe) {
      notes.push(
        `'${name}' has integers beyond 2^53; they are stored rounded to the nearest double.`,
      );
    }
    return col;
  };
  switch (type.typeId) {
    case Type.Int: {
      const { values, present } = numeric();
      return { schema: { name, kind: 'integer' }, data: integerData(values, present) };
    }
    case Type.Float:
    case Type.Decimal: {
      const { values, present } = numeric();
      return { schema: { name, kind: 'number' }, data: numberData(values, present) };
    }
    case Type.Bool: {
      const { values, present } = numeric();
      const bools = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) bools[i] = values[i] ? 1 : 0;
      return { schema: { name, kind: 'boolean' }, data: booleanData(bools, present) };
    }
    case Type.Date:
    case Type.Timestamp: {
      // Timezones do not matter here: Arrow timestamps are UTC instants, stored as epoch ms.
      const { values, present } = numeric();
      return { schema: { name, kind: 'date' }, data: dateData(values, present) };
    }
    case Type.Time: {
      const { values, present } = numeric();
      const strings = new Array<string | null>(values.length);
      for (let i = 0; i < values.length; i++) {
        strings[i] = present && !present[i] ? null : timeOfDay(values[i]);
      }
      const kind = inferStringKind(strings);
      notes.push(`'${name}' holds times of day; they are read as ${kind} text (HH:MM:SS).`);
      return { schema: { name, kind }, data: stringData(strings, kind) };
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View: {
      const strings = stringValues(vector);
      const kind = inferStringKind(strings);
      return { schema: { name, kind }, data: stringData(strings, kind) };
    }
    case Type.Dictionary: {
      if (isStringType(type)) {
        const strings = stringValues(vector);
        const kind = inferStringKind(strings);
        return { schema: { name, kind }, data: stringData(strings, kind) };
      }
      // A dictionary of numbers, dates or booleans: stored as its value type would be.
      const vt = (type as unknown as { dictionary: DataType }).dictionary.typeId;
      const values = readGeneric(vector);
      if (vt === Type.Int) return columnFromValues(name, values, 'integer', notes);
      if (vt === Type.Float || vt === Type.Decimal) {
        const { values: nums, present } = numeric();
        return { schema: { name, kind: 'number' }, data: numberData(nums, present) };
      }
      if (vt === Type.Date || vt === Type.Timestamp)
        return columnFromValues(name, values, 'date', notes);
      if (vt === Type.Bool) return columnFromValues(name, values, 'boolean', notes);
      throw unsupported(sourceName, name, type, 'a dictionary of an unsupported type');
    }
    case Type.Null: {
      const strings = new Array<string | null>(vector.length).fill(null);
      return { schema: { name, kind: 'text' }, data: textData(strings) };
    }
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.Struct:
    case Type.Map:
      return columnFromValues(name, readGeneric(vector), 'json', notes);
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
    case Type.FixedSizeBinary:
      throw unsupported(sourceName, name, type, 'raw bytes');
    case Type.Interval:
    case Type.Duration:
      throw unsupported(sourceName, name, type, 'a time span');
    case Type.Union:
      throw unsupported(sourceName, name, type, 'a union of types');
    default:
      throw unsupported(sourceName, name, type, 'an unknown type');
  }
}

export interface NormalizeResult {
  table: Table;
  schema: ColumnSchema[];
  /** Human-readable notes for the ingest report. */
  notes: string[];
}

/**
 * Turns any Arrow table (as read from an IPC file or stream) into Benchtop's storage convention.
 * Duplicate or blank field names are made unique (`name_2`) and reported in `renamed`.
 */
export function normalizeArrowTable(
  table: Table,
  sourceName: string,
): NormalizeResult & { renamed: { from: string; to: string }[] } {
  const notes: string[] = [];
  const skip = unnamedPandasIndex(table.schema.metadata.get('pandas'));
  const kept = table.schema.fields.map((f, c) => ({ f, c })).filter(({ f }) => !skip.has(f.name));
  if (kept.length < table.schema.fields.length) notes.push(PANDAS_INDEX_NOTE);
  const fields = kept.map(({ f }) => f);
  const names = uniqueNames(fields.map((f) => f.name));
  const columns: BuiltColumn[] = [];
  for (let c = 0; c < fields.length; c++) {
    const vector = table.getChildAt(kept[c].c);
    if (!vector) continue;
    const built = normalizeVector(sourceName, names.names[c], vector, notes);
    if (names.names[c] !== fields[c].name) built.schema.sourceName = fields[c].name;
    columns.push(built);
  }
  const out = buildTable(columns);
  return { table: out, schema: columns.map((c) => c.schema), notes, renamed: names.renamed };
}

export const PANDAS_INDEX_NOTE =
  "Left out pandas' unnamed index column (row numbers saved with the data), as pandas does when it reads the file.";

/**
 * Columns that only hold pandas' unnamed row index (`__index_level_0__`), listed in the 'pandas'
 * metadata that pyarrow writes into Arrow and Parquet files. pandas turns them back into the index,
 * not data; as a column it would be a meaningless ID. Named indexes (a 'date' index) are real data
 * and are kept.
 */
export function unnamedPandasIndex(pandasMetadata: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!pandasMetadata) return out;
  try {
    const meta = JSON.parse(pandasMetadata) as { index_columns?: unknown };
    if (!Array.isArray(meta.index_columns)) return out;
    for (const c of meta.index_columns) {
      if (typeof c === 'string' && /^__index_level_\d+__$/.test(c)) out.add(c);
    }
  } catch {
    // Unreadable metadata is not worth failing an import for: keep every column.
  }
  return out;
}

/** Makes names unique and non-blank the visible way: 'a', 'a' -> 'a', 'a_2'; '' -> 'column_3'. */
export function uniqueNames(raw: readonly string[]): {
  names: string[];
  renamed: { from: string; to: string }[];
} {
  const used = new Set<string>();
  const names: string[] = [];
  const renamed: { from: string; to: string }[] = [];
  // Reserve every original non-blank name first so a renamed duplicate never steals a later one.
  const taken = new Set(raw.filter((r) => r.trim() !== ''));
  raw.forEach((r, i) => {
    let name = r.trim() === '' ? `column_${i + 1}` : r;
    if (used.has(name) || (name !== r && taken.has(name))) {
      const base = name;
      let k = 2;
      while (used.has(`${base}_${k}`) || taken.has(`${base}_${k}`)) k++;
      name = `${base}_${k}`;
    }
    used.add(name);
    names.push(name);
    if (name !== r) renamed.push({ from: r, to: name });
  });
  return { names, renamed };
}
