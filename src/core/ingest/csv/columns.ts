// Per-column accumulators of the CSV reader. Each column starts by sampling (keeping its first
// SAMPLE_SIZE non-missing values as strings), then infers its kind from that sample, replays it
// into a typed accumulator and parses every later field straight from the text into typed arrays:
// numbers into a Float64Array, booleans into bytes, dates into epoch ms, strings into a dictionary
// (or, once a column is clearly free text, straight into UTF-8 bytes). The decision points depend
// on row counts only, never on chunk boundaries, so any chunking gives the same table.
import type { Data } from 'apache-arrow';
import type { ColumnKind, NumberFormat } from '../../data/schema';
import { booleanData, dateData, isCategorical } from '../normalize';
import { dictionaryData, numericData, utf8Data, Utf8Buffer } from './build-arrow';
import { distinctRanges, WordTable } from './dictionary';
import { parseDate, type DateFormat } from './dates';
import {
  forcedDateFormat,
  forcedNumberFormat,
  inferKind,
  MIN_PARSED_SHARE,
  parseBoolean,
  type Inferred,
} from './infer';
import { MissingMatcher, trimEnd, trimStart } from './missing';
import { FORMAT_CODES, lastNumber, parseNumber } from './numbers';
import { ESCAPED, fieldValue, MESSY, QUOTED } from './tokenize';

/** Non-missing values a column looks at before choosing its kind. */
export const SAMPLE_SIZE = 1000;
/** Examples of stray values kept per column (the count is exact). */
const STRAY_EXAMPLES = 10;

export interface StrayLog {
  count: number;
  rows: number[];
  values: string[];
}

export interface FinishedColumn {
  kind: ColumnKind;
  data: Data;
  numberFormat?: NumberFormat;
  dateFormat?: DateFormat;
  strays: StrayLog;
  /** Too many values did not parse as the inferred kind: read the column again as strings. */
  overflow: boolean;
  note?: string;
}

/** What every column accumulator does; `row` always increases by one per call. */
export interface Column {
  /** A field of the current row, as offsets into `text` with tokenizer flags. */
  add(text: string, start: number, end: number, flags: number, row: number): void;
  finish(rows: number): FinishedColumn;
  /** Why the kind was chosen the way it was, when a person should know (an ambiguity). */
  note?: string;
}

interface Typed extends Column {
  /** A non-missing value already unescaped (and trimmed when it was unquoted). */
  addValue(value: string, row: number): void;
}

export interface ColumnSetup {
  name: string;
  missing: MissingMatcher;
  delimiter: string;
  /** The user's kind for this column, if any. */
  forced?: ColumnKind;
  /** Read as strings whatever the values look like (second pass after too many strays). */
  asStrings?: boolean;
  /** Expected number of rows in the file (an estimate, to size arrays once; never affects results). */
  expectedRows: () => number;
}

/** Reads a field as a plain value: quotes removed and unescaped, unquoted fields trimmed. */
function plainValue(text: string, start: number, end: number, flags: number): string {
  if (flags === 0) return text.slice(trimStart(text, start, end), trimEnd(text, start, end));
  return fieldValue(text, start, end, flags);
}

/** A field is missing when it matches a marker (unquoted fields compared after trimming). */
function isMissingField(
  m: MissingMatcher,
  text: string,
  start: number,
  end: number,
  flags: number,
): boolean {
  if (flags === 0) {
    const s = trimStart(text, start, end);
    return m.range(text, s, trimEnd(text, s, end));
  }
  if ((flags & (ESCAPED | MESSY)) === 0) return m.range(text, start, end);
  return m.value(fieldValue(text, start, end, flags));
}

function newStrays(): StrayLog {
  return { count: 0, rows: [], values: [] };
}

function logStray(log: StrayLog, row: number, value: string): void {
  log.count++;
  if (log.rows.length < STRAY_EXAMPLES) {
    log.rows.push(row);
    log.values.push(value);
  }
}

// Growth by 1.5x: arrays start at the expected row count, so a miss is usually small.
function grownF64(a: Float64Array, min: number): Float64Array {
  const next = new Float64Array(Math.max(min, Math.ceil(a.length * 1.5)));
  next.set(a);
  return next;
}

function grownU8(a: Uint8Array, min: number): Uint8Array {
  const next = new Uint8Array(Math.max(min, Math.ceil(a.length * 1.5)));
  next.set(a);
  return next;
}

function grownI32(a: Int32Array, min: number): Int32Array {
  const next = new Int32Array(Math.max(min, Math.ceil(a.length * 1.5)));
  next.set(a);
  return next;
}

const INITIAL = 1024;
const EMPTY_F64 = new Float64Array(0);
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);

// ---------------------------------------------------------------------------------------------

/** Integers and numbers, in any NumberFormat. */
class NumberColumn implements Typed {
  note?: string;
  values: Float64Array;
  present: Uint8Array;
  allInteger = true;
  parsed = 0;
  strays = newStrays();
  private readonly codes;

  constructor(
    private readonly setup: ColumnSetup,
    readonly format: NumberFormat,
    /** Forced 'integer': non-integers are strays. Forced kinds also accept codes like 007. */
    private readonly forced: ColumnKind | undefined,
  ) {
    this.codes = FORMAT_CODES[format];
    const cap = Math.max(INITIAL, setup.expectedRows());
    this.values = new Float64Array(cap);
    this.present = new Uint8Array(cap);
  }

  add(text: string, start: number, end: number, flags: number, row: number): void {
    if ((flags & (ESCAPED | MESSY)) !== 0) {
      const v = fieldValue(text, start, end, flags);
      if (!this.setup.missing.value(v)) this.addValue(v, row);
      return;
    }
    let s = trimStart(text, start, end);
    let e = trimEnd(text, s, end);
    if (flags === QUOTED) {
      if (this.setup.missing.range(text, start, end)) return;
    } else if (this.setup.missing.range(text, s, e)) return;
    const v = parseNumber(text, s, e, this.codes);
    if (
      v !== v ||
      (lastNumber.idLike && !this.forced) ||
      (this.forced === 'integer' && !lastNumber.integer)
    ) {
      if (flags === QUOTED) {
        s = start;
        e = end;
      }
      logStray(this.strays, row, text.slice(s, e));
      return;
    }
    if (!lastNumber.integer) this.allInteger = false;
    if (row >= this.values.length) {
      this.values = grownF64(this.values, row + 1);
      this.present = grownU8(this.present, row + 1);
    }
    this.values[row] = v;
    this.present[row] = 1;
    this.parsed++;
  }

  addValue(value: string, row: number): void {
    const s = trimStart(value, 0, value.length);
    const v = parseNumber(value, s, trimEnd(value, s, value.length), this.codes);
    if (
      v !== v ||
      (lastNumber.idLike && !this.forced) ||
      (this.forced === 'integer' && !lastNumber.integer)
    ) {
      logStray(this.strays, row, value);
      return;
    }
    if (!lastNumber.integer) this.allInteger = false;
    if (row >= this.values.length) {
      this.values = grownF64(this.values, row + 1);
      this.present = grownU8(this.present, row + 1);
    }
    this.values[row] = v;
    this.present[row] = 1;
    this.parsed++;
  }

  finish(rows: number): FinishedColumn {
    if (rows > this.values.length) {
      this.values = grownF64(this.values, rows);
      this.present = grownU8(this.present, rows);
    }
    const integer = this.forced === 'integer' || (this.forced !== 'number' && this.allInteger);
    const data = numericData(this.values, this.present, rows, integer);
    this.values = EMPTY_F64;
    this.present = EMPTY_U8;
    return {
      kind: integer ? 'integer' : 'number',
      data,
      numberFormat: this.format,
      strays: this.strays,
      overflow: !this.forced && overflowed(this.parsed, this.strays.count),
    };
  }
}

function overflowed(parsed: number, strays: number): boolean {
  return strays > 0 && parsed < MIN_PARSED_SHARE * (parsed + strays);
}

/** true / false, yes / no, t / f, y / n (and 1 / 0 when the user says the column is boolean). */
class BooleanColumn implements Typed {
  note?: string;
  values: Uint8Array;
  present: Uint8Array;
  parsed = 0;
  strays = newStrays();

  constructor(
    private readonly setup: ColumnSetup,
    private readonly forced: boolean,
  ) {
    const cap = Math.max(INITIAL, setup.expectedRows());
    this.values = new Uint8Array(cap);
    this.present = new Uint8Array(cap);
  }

  add(text: string, start: number, end: number, flags: number, row: number): void {
    if (isMissingField(this.setup.missing, text, start, end, flags)) return;
    this.addValue(plainValue(text, start, end, flags), row);
  }

  addValue(value: string, row: number): void {
    const v = value.trim();
    let b = parseBoolean(v);
    if (b === undefined && this.forced && (v === '1' || v === '0')) b = v === '1';
    if (b === undefined) {
      logStray(this.strays, row, value);
      return;
    }
    if (row >= this.values.length) {
      this.values = grownU8(this.values, row + 1);
      this.present = grownU8(this.present, row + 1);
    }
    this.values[row] = b ? 1 : 0;
    this.present[row] = 1;
    this.parsed++;
  }

  finish(rows: number): FinishedColumn {
    if (rows > this.values.length) {
      this.values = grownU8(this.values, rows);
      this.present = grownU8(this.present, rows);
    }
    const data = booleanData(this.values.subarray(0, rows), this.present.subarray(0, rows));
    this.values = EMPTY_U8;
    this.present = EMPTY_U8;
    return {
      kind: 'boolean',
      data,
      strays: this.strays,
      overflow: !this.forced && overflowed(this.parsed, this.strays.count),
    };
  }
}

/** Dates and date-times as epoch milliseconds (UTC). */
class DateColumn implements Typed {
  note?: string;
  values: Float64Array;
  present: Uint8Array;
  parsed = 0;
  strays = newStrays();

  constructor(
    private readonly setup: ColumnSetup,
    readonly format: DateFormat,
    private readonly forced: boolean,
  ) {
    const cap = Math.max(INITIAL, setup.expectedRows());
    this.values = new Float64Array(cap);
    this.present = new Uint8Array(cap);
  }

  add(text: string, start: number, end: number, flags: number, row: number): void {
    if ((flags & (ESCAPED | MESSY)) !== 0) {
      const v = fieldValue(text, start, end, flags);
      if (!this.setup.missing.value(v)) this.addValue(v, row);
      return;
    }
    const s = trimStart(text, start, end);
    const e = trimEnd(text, s, end);
    if (this.setup.missing.range(text, flags === 0 ? s : start, flags === 0 ? e : end)) return;
    this.put(
      parseDate(text, s, e, this.format),
      row,
      text,
      flags === 0 ? s : start,
      flags === 0 ? e : end,
    );
  }

  addValue(value: string, row: number): void {
    const s = trimStart(value, 0, value.length);
    this.put(
      parseDate(value, s, trimEnd(value, s, value.length), this.format),
      row,
      value,
      0,
      value.length,
    );
  }

  private put(ms: number, row: number, text: string, s: number, e: number): void {
    if (ms !== ms) {
      logStray(this.strays, row, text.slice(s, e));
      return;
    }
    if (row >= this.values.length) {
      this.values = grownF64(this.values, row + 1);
      this.present = grownU8(this.present, row + 1);
    }
    this.values[row] = ms;
    this.present[row] = 1;
    this.parsed++;
  }

  finish(rows: number): FinishedColumn {
    if (rows > this.values.length) {
      this.values = grownF64(this.values, rows);
      this.present = grownU8(this.present, rows);
    }
    const data = dateData(this.values.subarray(0, rows), this.present.subarray(0, rows));
    this.values = EMPTY_F64;
    this.present = EMPTY_U8;
    return {
      kind: 'date',
      data,
      dateFormat: this.format,
      strays: this.strays,
      overflow: !this.forced && overflowed(this.parsed, this.strays.count),
    };
  }
}

/** Distinct values past which a dictionary is given up for plain UTF-8 (if also > half the values). */
const DICTIONARY_LIMIT = 4096;

/**
 * Strings: categorical or text, decided at the end with the shared rule (isCategorical). Kept as a
 * dictionary while the values repeat; a column of mostly distinct values switches to UTF-8 bytes
 * written straight from the text, which costs no Map and keeps no substrings alive.
 */
class StringColumn implements Typed {
  note?: string;
  present: Uint8Array;
  nonMissing = 0;
  // Dictionary mode.
  private dict: WordTable | null = new WordTable();
  private codes: Int32Array;
  // UTF-8 mode.
  private bytes: Utf8Buffer | null = null;
  private offsets: Int32Array = new Int32Array(0);
  /** Rows whose offsets are written (UTF-8 mode). */
  private filled = 0;

  constructor(
    readonly setup: ColumnSetup,
    private readonly forced: 'categorical' | 'text' | undefined,
  ) {
    const cap = Math.max(INITIAL, setup.expectedRows());
    this.present = new Uint8Array(cap);
    this.codes = new Int32Array(forced === 'text' ? 0 : cap);
    if (forced === 'text') this.toUtf8(0);
  }

  add(text: string, start: number, end: number, flags: number, row: number): void {
    let s = start;
    let e = end;
    if (flags === 0) {
      s = trimStart(text, start, end);
      e = trimEnd(text, s, end);
    } else if ((flags & MESSY) !== 0) {
      const v = fieldValue(text, start, end, flags);
      if (!this.setup.missing.value(v)) this.addValue(v, row);
      return;
    }
    const escaped = (flags & ESCAPED) !== 0;
    const m = this.setup.missing;
    // A field with `""` in it can only be a marker if some marker has a quote: skip the unescape.
    if (escaped ? m.quoteInMarker && m.value(fieldValue(text, s, e, flags)) : m.range(text, s, e))
      return;
    if (row >= this.present.length) this.present = grownU8(this.present, row + 1);
    this.present[row] = 1;
    this.nonMissing++;
    if (this.bytes) {
      this.fillTo(row);
      this.bytes.append(text, s, e, escaped);
      this.offsets[row + 1] = this.bytes.length;
      this.filled = row + 1;
      return;
    }
    if (escaped) {
      const v = fieldValue(text, s, e, flags);
      this.addWord(v, 0, v.length, row);
    } else this.addWord(text, s, e, row);
  }

  addValue(value: string, row: number): void {
    if (row >= this.present.length) this.present = grownU8(this.present, row + 1);
    this.present[row] = 1;
    this.nonMissing++;
    if (this.bytes) {
      this.fillTo(row);
      this.bytes.append(value, 0, value.length);
      this.offsets[row + 1] = this.bytes.length;
      this.filled = row + 1;
      return;
    }
    this.addWord(value, 0, value.length, row);
  }

  private addWord(text: string, start: number, end: number, row: number): void {
    const dict = this.dict as WordTable;
    const code = dict.codeOf(text, start, end);
    if (row >= this.codes.length) this.codes = grownI32(this.codes, row + 1);
    this.codes[row] = code;
    // Mostly distinct values: stop building a dictionary that will never be categorical.
    if (
      code >= DICTIONARY_LIMIT &&
      code === dict.size - 1 &&
      this.forced !== 'categorical' &&
      code > this.nonMissing / 2
    ) {
      this.toUtf8(row + 1);
    }
  }

  /** Switches to UTF-8 mode, writing out the first `rows` rows from the dictionary. */
  private toUtf8(rows: number): void {
    const expected = Math.max(INITIAL, this.setup.expectedRows(), rows);
    const buf = new Utf8Buffer(1 << 16);
    this.offsets = new Int32Array(expected + 2);
    const words = this.dict ? this.dict.words : [];
    for (let r = 0; r < rows; r++) {
      if (this.present[r]) {
        const w = words[this.codes[r]];
        buf.append(w, 0, w.length);
      }
      this.offsets[r + 1] = buf.length;
    }
    // Size the buffer once for the whole column, from the bytes per row so far.
    if (rows > 0) buf.reserveTotal(Math.ceil((buf.length / rows) * expected * 1.1));
    this.filled = rows;
    this.bytes = buf;
    this.dict = null;
    this.codes = EMPTY_I32;
  }

  /** Offsets for rows up to (not including) `row`, which are missing: empty slots. */
  private fillTo(row: number): void {
    if (row + 2 > this.offsets.length) this.offsets = grownI32(this.offsets, row + 2);
    const at = this.bytes ? this.bytes.length : 0;
    for (let r = this.filled; r < row; r++) this.offsets[r + 1] = at;
  }

  finish(rows: number): FinishedColumn {
    const out = this.build(rows);
    this.present = EMPTY_U8;
    this.codes = EMPTY_I32;
    this.offsets = EMPTY_I32;
    this.bytes = null;
    this.dict = null;
    return out;
  }

  private build(rows: number): FinishedColumn {
    if (rows > this.present.length) this.present = grownU8(this.present, rows);
    const present = this.present.subarray(0, rows);
    const strays = newStrays();
    if (this.bytes) {
      this.fillTo(rows);
      if (this.forced !== 'text') {
        const cat = this.asCategorical(this.bytes.bytes, present, rows);
        if (cat) return { kind: 'categorical', data: cat, strays, overflow: false };
      }
      // Drop the unused tail of the buffers (the table would keep it alive).
      const used = this.bytes.length;
      const bytes =
        this.bytes.bytes.length > used * 1.2 + 1024
          ? this.bytes.bytes.slice(0, used)
          : this.bytes.bytes.subarray(0, used);
      const offsets =
        this.offsets.length > (rows + 1) * 1.2 + 1024
          ? this.offsets.slice(0, rows + 1)
          : this.offsets;
      return {
        kind: 'text',
        data: utf8Data(bytes, offsets, present, rows),
        strays,
        overflow: false,
      };
    }
    if (rows > this.codes.length) this.codes = grownI32(this.codes, rows);
    const words = (this.dict as WordTable).words;
    const categorical =
      this.forced === 'categorical' ||
      (this.nonMissing > 0 && isCategorical(words.length, this.nonMissing));
    if (categorical) {
      const codes = this.codes.length > rows * 1.2 + 1024 ? this.codes.slice(0, rows) : this.codes;
      return {
        kind: 'categorical',
        data: dictionaryData(words, codes, present, rows),
        strays,
        overflow: false,
      };
    }
    // Expand the dictionary into UTF-8 text.
    const buf = new Utf8Buffer(1 << 16);
    const offsets = new Int32Array(rows + 1);
    for (let r = 0; r < rows; r++) {
      if (present[r]) {
        const w = words[this.codes[r]];
        buf.append(w, 0, w.length);
      }
      offsets[r + 1] = buf.length;
    }
    return {
      kind: 'text',
      data: utf8Data(buf.bytes.slice(0, buf.length), offsets, present, rows),
      strays,
      overflow: false,
    };
  }

  /** A UTF-8 column that repeats enough after all is categorical; gives up early otherwise. */
  private asCategorical(bytes: Uint8Array, present: Uint8Array, rows: number) {
    if (this.nonMissing === 0) return null;
    // Distinct values by their bytes, giving up past the categorical limit: nothing is decoded
    // unless the column turns out categorical, and then only one string per category.
    const limit = Math.floor(Math.max(20, 0.05 * this.nonMissing));
    const found = distinctRanges(bytes, this.offsets, present, rows, limit);
    if (!found || !isCategorical(found.firstRows.length, this.nonMissing)) return null;
    const decoder = new TextDecoder();
    const words = found.firstRows.map((r) =>
      decoder.decode(bytes.subarray(this.offsets[r], this.offsets[r + 1])),
    );
    return dictionaryData(words, found.codes, present, rows);
  }
}

// ---------------------------------------------------------------------------------------------

/** Creates the typed accumulator for a kind decision. */
function typedColumn(setup: ColumnSetup, inferred: Inferred, sample: readonly string[]): Typed {
  const forced = setup.forced;
  if (setup.asStrings) return new StringColumn(setup, undefined);
  if (forced) {
    switch (forced) {
      case 'integer':
      case 'number':
        return new NumberColumn(setup, forcedNumberFormat(sample, setup.delimiter), forced);
      case 'boolean':
        return new BooleanColumn(setup, true);
      case 'date':
        return new DateColumn(setup, forcedDateFormat(sample), true);
      case 'categorical':
      case 'text':
        return new StringColumn(setup, forced);
    }
  }
  switch (inferred.kind) {
    case 'numeric':
      return new NumberColumn(setup, inferred.numberFormat ?? 'plain', undefined);
    case 'boolean':
      return new BooleanColumn(setup, false);
    case 'date':
      return new DateColumn(setup, inferred.dateFormat as DateFormat, false);
    default:
      return new StringColumn(setup, undefined);
  }
}

/**
 * The first stage of every column: keeps values as strings until it has SAMPLE_SIZE non-missing
 * ones (or the file ends), then hands over to a typed accumulator via `replace`.
 */
export class SamplingColumn implements Column {
  /** The non-missing values seen so far and their rows (missing rows are simply absent). */
  private values: string[] = [];
  private rows: number[] = [];
  private inferred: Inferred | null = null;

  constructor(
    private readonly setup: ColumnSetup,
    private readonly replace: (next: Column) => void,
  ) {}

  add(text: string, start: number, end: number, flags: number, row: number): void {
    if (isMissingField(this.setup.missing, text, start, end, flags)) return;
    // Copy: these few strings must not keep whole decoded chunks alive.
    const v = plainValue(text, start, end, flags);
    this.values.push(v.length > 12 ? (' ' + v).slice(1) : v);
    this.rows.push(row);
    if (this.values.length >= SAMPLE_SIZE) this.replace(this.decide());
  }

  /** Infers the kind from the sample and replays it into the typed accumulator. */
  decide(): Typed {
    const sample = this.values;
    this.inferred =
      this.setup.forced || this.setup.asStrings
        ? { kind: 'string' }
        : inferKind(this.setup.name, sample, this.setup.delimiter);
    const typed = typedColumn(this.setup, this.inferred, sample);
    typed.note = this.inferred.note;
    for (let i = 0; i < sample.length; i++) typed.addValue(sample[i], this.rows[i]);
    this.values = [];
    this.rows = [];
    return typed;
  }

  get note(): string | undefined {
    return this.inferred?.note;
  }

  finish(rows: number): FinishedColumn {
    const typed = this.decide();
    const out = typed.finish(rows);
    out.note = typed.note;
    return out;
  }
}
