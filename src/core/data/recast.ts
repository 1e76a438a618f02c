// The user's type override: converts one stored column to another kind, in Benchtop's storage
// convention (see ingest/normalize.ts). Text is parsed strictly; a value that does not parse
// becomes missing and is reported as stray with its row, never silently dropped. Pure: the input
// table and schema are not modified; the other columns are shared, not copied.
import { makeData, RecordBatch, Schema, Struct, Table, type Data, type Vector } from 'apache-arrow';
import { BenchtopError } from '../errors';
import {
  booleanData,
  dateData,
  integerData,
  kindField,
  numberData,
  stringData,
} from '../ingest/normalize';
import { DEFAULT_MISSING_MARKERS, type IngestResult } from '../ingest/types';
import { numericValues, stringValues, type Presence } from './columns';
import type { ColumnKind, ColumnSchema } from './schema';

export interface RecastStray {
  count: number;
  /** The first few values that did not parse, with their 0-based row. */
  examples: { row: number; value: string }[];
}

export interface RecastResult {
  table: Table;
  schema: ColumnSchema[];
  stray: RecastStray;
}

const MAX_EXAMPLES = 10;
const MISSING = new Set(DEFAULT_MISSING_MARKERS);

// ---- text -> value parsers (strict: the whole trimmed string must match) --------------------

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS_COMMA = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;

/** Parses '12', '-3.5', '1e3', '1,234.5'; NaN when the text is not a number. */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (PLAIN_NUMBER.test(t)) return Number(t);
  if (THOUSANDS_COMMA.test(t)) return Number(t.replace(/,/g, ''));
  const lower = t.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return NaN;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/** Parses true/false, yes/no, t/f, y/n, 1/0 (any case); null when it is none of them. */
export function parseBoolean(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return null;
}

const ISO_DATE =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses ISO-like dates ('2012-01-31', '2012/01/31', '2012-01-31T08:30:00Z'); NaN otherwise. Naive times are UTC. */
export function parseDate(text: string): number {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  // Date.UTC rolls over (Feb 30 -> Mar 2): reject dates that are not real.
  const check = new Date(t);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month ||
    check.getUTCDate() !== day
  )
    return NaN;
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 60) return NaN;
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

// ---- value -> text ----------------------------------------------------------------------------

/** '2012-01-31' for midnight UTC, else ISO 8601 without a zero millisecond part. */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (ms % 86_400_000 === 0) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** The shortest text of a stored value of the given kind (numbers: JS's round-trip form). */
function valueText(kind: ColumnKind, v: number): string {
  if (kind === 'boolean') return v ? 'true' : 'false';
  if (kind === 'date') return formatDate(v);
  return String(v);
}

// ---- the conversion ----------------------------------------------------------------------------

function strayCollector(): { stray: RecastStray; add(row: number, value: string): void } {
  const stray: RecastStray = { count: 0, examples: [] };
  return {
    stray,
    add(row, value) {
      stray.count++;
      if (stray.examples.length < MAX_EXAMPLES) stray.examples.push({ row, value });
    },
  };
}

function isStringKind(kind: ColumnKind): kind is 'categorical' | 'text' {
  return kind === 'categorical' || kind === 'text';
}

/** Parses a string column into numbers / booleans / dates; unparsable values become stray. */
function fromStrings(
  strings: (string | null)[],
  kind: 'integer' | 'number' | 'boolean' | 'date',
  collect: (row: number, value: string) => void,
): Data {
  const n = strings.length;
  const present = new Uint8Array(n);
  const values = new Float64Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i];
    if (s === null || MISSING.has(s.trim())) {
      missing++;
      continue;
    }
    let x: number;
    if (kind === 'boolean') {
      const b = parseBoolean(s);
      x = b === null ? NaN : b ? 1 : 0;
    } else if (kind === 'date') x = parseDate(s);
    else {
      x = parseNumber(s);
      if (kind === 'integer' && !Number.isInteger(x)) x = NaN;
    }
    if (Number.isNaN(x)) {
      collect(i, s);
      missing++;
      continue;
    }
    values[i] = x;
    present[i] = 1;
  }
  const mask: Presence = missing ? present : null;
  if (kind === 'boolean') return booleanData(Uint8Array.from(values), mask);
  if (kind === 'date') return dateData(values, mask);
  if (kind === 'integer') return integerData(values, mask);
  return numberData(values, mask);
}

function cannot(column: string, from: ColumnKind, to: ColumnKind, why: string): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `'${column}' cannot change from ${from} to ${to}: ${why}`,
    {
      column,
      from,
      to,
    },
  );
}

/** Converts the stored vector of a column from one kind to another. */
function convert(
  vector: Vector,
  column: string,
  from: ColumnKind,
  to: ColumnKind,
  collect: (row: number, value: string) => void,
): Data {
  if (isStringKind(from)) {
    const strings = stringValues(vector);
    if (isStringKind(to)) return stringData(strings, to);
    return fromStrings(strings, to, collect);
  }
  const { values, present } = numericValues(vector);
  const n = values.length;
  if (isStringKind(to)) {
    const strings = new Array<string | null>(n);
    for (let i = 0; i < n; i++)
      strings[i] = present && !present[i] ? null : valueText(from, values[i]);
    return stringData(strings, to);
  }
  switch (to) {
    case 'number':
      return numberData(values, present);
    case 'integer': {
      for (let i = 0; i < n; i++) {
        if ((!present || present[i]) && !Number.isInteger(values[i])) {
          throw new BenchtopError(
            'invalid-argument',
            `'${column}' has fractional values such as ${values[i]}; it cannot be an integer column.`,
            { column, row: i },
          );
        }
      }
      return integerData(values, present);
    }
    case 'boolean': {
      if (from === 'date') throw cannot(column, from, to, 'dates are not true/false values.');
      // Only 0 and 1 have an obvious meaning; anything else is stray.
      const mask = new Uint8Array(n);
      const bools = new Uint8Array(n);
      let missing = 0;
      for (let i = 0; i < n; i++) {
        if (present && !present[i]) {
          missing++;
          continue;
        }
        if (values[i] === 0 || values[i] === 1) {
          bools[i] = values[i];
          mask[i] = 1;
        } else {
          collect(i, valueText(from, values[i]));
          missing++;
        }
      }
      return booleanData(bools, missing ? mask : null);
    }
    case 'date':
      throw cannot(
        column,
        from,
        to,
        `Benchtop does not guess which date a ${from === 'boolean' ? 'true/false value' : 'number'} means. ` +
          'Re-import the file with the column written as dates (YYYY-MM-DD), or change it to text first if it holds written dates.',
      );
  }
  throw new BenchtopError('invalid-argument', `Unknown column kind '${String(to)}'.`);
}

/**
 * Converts one stored column to another kind. Returns a new table and schema (inputs untouched)
 * and the values that did not parse (now missing), with their 0-based rows.
 */
export function recastColumn(
  table: Table,
  schema: ColumnSchema[],
  column: string,
  kind: ColumnKind,
): RecastResult {
  const index = schema.findIndex((c) => c.name === column);
  if (index < 0) {
    throw new BenchtopError('not-found', `There is no column named '${column}' in this dataset.`, {
      column,
    });
  }
  const from = schema[index].kind;
  const collector = strayCollector();
  if (from === kind) return { table, schema, stray: collector.stray };
  const fieldIndex = table.schema.fields.findIndex((f) => f.name === column);
  const vector = fieldIndex >= 0 ? table.getChildAt(fieldIndex) : null;
  if (!vector) {
    throw new BenchtopError(
      'internal',
      `Column '${column}' is in the schema but not in the stored table.`,
    );
  }
  const data = convert(vector, column, from, kind, collector.add);

  const nextSchema = schema.map((c, i) => {
    if (i !== index) return c;
    const next: ColumnSchema = { ...c, kind };
    // A number format describes how text was read as numbers; it no longer applies to text.
    if (isStringKind(kind)) delete next.numberFormat;
    return next;
  });
  const fields = table.schema.fields.map((f, i) =>
    i === fieldIndex ? kindField(nextSchema[index], data.type) : f,
  );
  const arrowSchema = new Schema(fields, table.schema.metadata);
  // Keep the table's batch layout: every batch shares its other columns and gets its slice of
  // the converted one.
  let offset = 0;
  const batches = table.batches.map((b) => {
    const children = b.data.children.map((d, i) =>
      i === fieldIndex ? data.slice(offset, b.numRows) : d,
    );
    offset += b.numRows;
    return new RecordBatch(
      arrowSchema,
      makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children }),
    );
  });
  return { table: new Table(arrowSchema, batches), schema: nextSchema, stray: collector.stray };
}

/**
 * Applies the user's per-column kinds (IngestOptions.kinds) to a freshly read file. Values that do
 * not parse go into report.strayValues; `rowToLine` maps a 0-based row to the number the report
 * uses (a file line for CSV, a 1-based row for Arrow and Parquet). Overrides naming no column
 * are noted, not fatal: the file may simply have dropped that column.
 */
export function applyKindOverrides(
  result: IngestResult,
  kinds: Record<string, ColumnKind> | undefined,
  rowToLine: (row: number) => number,
): IngestResult {
  if (!kinds) return result;
  let { table, schema } = result;
  const report = {
    ...result.report,
    strayValues: { ...result.report.strayValues },
    notes: [...result.report.notes],
  };
  for (const [column, kind] of Object.entries(kinds)) {
    if (!schema.some((c) => c.name === column)) {
      report.notes.push(
        `The type chosen for '${column}' was not applied: the file has no such column.`,
      );
      continue;
    }
    const next = recastColumn(table, schema, column, kind);
    table = next.table;
    schema = next.schema;
    if (next.stray.count > 0) {
      report.strayValues[column] = {
        count: next.stray.count,
        examples: next.stray.examples.map((e) => ({ line: rowToLine(e.row), value: e.value })),
      };
    }
  }
  return { table, schema, report };
}
