// The CSV / TSV reader: streams the source chunk by chunk (decode -> sniff the delimiter -> tokenize
// -> per-column typed accumulators) into an Arrow table in Benchtop's storage convention, plus a
// report of everything it decided or had to leave out (encoding, delimiter, renamed headers, ragged
// rows, stray values, number formats). Only BenchtopError leaves this module.
//
// The read restarts from the first byte (ByteSource.chunks() is restartable) in two rare cases:
// a byte that is not valid UTF-8 (read again as Windows-1252), and a column whose first rows looked
// numeric / boolean / date but where more than 5% of all its values do not parse (read again with
// that column as text). Both decisions are made on the whole file, so chunking never changes them.
import { COLUMN_KINDS, type ColumnKind, type ColumnSchema } from '../data/schema';
import { BenchtopError, toBenchtopError } from '../errors';
import { buildTable, uniqueNames, type BuiltColumn } from './normalize';
import {
  DEFAULT_MISSING_MARKERS,
  type ByteSource,
  type IngestOptions,
  type IngestReport,
  type IngestResult,
} from './types';
import { SamplingColumn, type Column, type FinishedColumn } from './csv/columns';
import { decodeSource, NotUtf8, type CsvEncoding, type DecodeState } from './csv/decode';
import { describeDateFormat, describeNumberFormat } from './csv/infer';
import { MissingMatcher, trimStart } from './csv/missing';
import { sniffDelimiter, SNIFF_CHARS, type Sniffed } from './csv/sniff';
import { fieldValue, Tokenizer } from './csv/tokenize';

/** Ragged-row line numbers (and examples) kept in the report. */
const RAGGED_LINES = 20;

/** Collects rows from the tokenizer: the header, ragged rows, and fields for each column. */
class RowSink {
  tok!: Tokenizer;
  header: string[] | null = null;
  headerLine = 0;
  names: string[] = [];
  renamed: { from: string; to: string }[] = [];
  cols: Column[] = [];
  ncols = 0;
  rows = 0;
  rowLines = new Int32Array(1024);
  /** Rows emitted by the tokenizer (header and ragged rows too) and their characters. */
  private seen = 0;
  private chars = 0;
  ragged = { count: 0, lines: [] as number[], examples: [] as { line: number; fields: number }[] };

  constructor(
    private readonly makeColumns: (sink: RowSink) => void,
    private readonly size: number,
    private readonly decoded: DecodeState,
  ) {}

  /** Rows the whole file probably has, from the size of the rows read so far (sizes arrays only). */
  readonly expectedRows = (): number => {
    if (this.seen === 0 || this.chars === 0 || !(this.size > 0)) return 1024;
    const bytesPerChar =
      this.decoded.charsDecoded > 0 ? this.decoded.bytesDecoded / this.decoded.charsDecoded : 1;
    const rows = ((this.seen / this.chars) * this.size) / bytesPerChar;
    return Math.min(1 << 26, Math.ceil(rows * 1.05) + 16);
  };

  readonly onRow = (text: string, nf: number, line: number, chars: number): void => {
    const tok = this.tok;
    this.seen++;
    this.chars += chars;
    if (nf === 1 && tok.flags[0] === 0) {
      // A line of only spaces is as blank as an empty one.
      const s = trimStart(text, tok.starts[0], tok.ends[0]);
      if (s === tok.ends[0]) return;
    }
    if (this.header === null) {
      const raw: string[] = [];
      for (let i = 0; i < nf; i++)
        raw.push(fieldValue(text, tok.starts[i], tok.ends[i], tok.flags[i]).trim());
      this.header = raw;
      this.headerLine = line;
      this.ncols = nf;
      const u = uniqueNames(raw);
      this.names = u.names;
      this.renamed = u.renamed;
      this.makeColumns(this);
      return;
    }
    if (nf !== this.ncols) {
      const r = this.ragged;
      r.count++;
      if (r.lines.length < RAGGED_LINES) {
        r.lines.push(line);
        r.examples.push({ line, fields: nf });
      }
      return;
    }
    const row = this.rows++;
    if (row >= this.rowLines.length) {
      const next = new Int32Array(this.rowLines.length * 2);
      next.set(this.rowLines);
      this.rowLines = next;
    }
    this.rowLines[row] = line;
    const starts = tok.starts;
    const ends = tok.ends;
    const flags = tok.flags;
    const cols = this.cols;
    for (let j = 0; j < nf; j++) cols[j].add(text, starts[j], ends[j], flags[j], row);
  };
}

interface Pass {
  sink: RowSink;
  sniffed: Sniffed;
  hadBom: boolean;
  finished: FinishedColumn[];
  messyFields: number;
  firstMessyLine: number;
}

interface Settings {
  delimiter?: string;
  missing: MissingMatcher;
  kinds: Record<string, ColumnKind>;
  /** Column indices to read as strings (they failed their inferred kind in an earlier pass). */
  asStrings: Set<number>;
}

/** `options.delimiter` as one character ('tab' and '\t' spelled out are accepted). */
function forcedDelimiter(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const named: Record<string, string> = {
    tab: '\t',
    '\\t': '\t',
    comma: ',',
    semicolon: ';',
    pipe: '|',
    space: ' ',
  };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new BenchtopError(
      'invalid-argument',
      `The delimiter must be a single character other than a quote or a line break (got '${value}'). Use for example ',', ';', '|' or 'tab'.`,
    );
  }
  return d;
}

async function readPass(
  source: ByteSource,
  options: IngestOptions,
  encoding: CsvEncoding,
  settings: Settings,
): Promise<Pass> {
  let sniffed: Sniffed | null = null;
  let tok: Tokenizer | null = null;
  let buffered: string[] = [];
  let bufferedChars = 0;

  const state: DecodeState = { bytesRead: 0, bytesDecoded: 0, charsDecoded: 0, hadBom: false };
  const sink = new RowSink(
    (s) => {
      s.cols = s.names.map((name, j) => {
        const source = s.header?.[j];
        const forced =
          settings.kinds[name] ?? (source !== undefined ? settings.kinds[source] : undefined);
        const col: SamplingColumn = new SamplingColumn(
          {
            name,
            missing: settings.missing,
            delimiter: (sniffed as Sniffed).delimiter,
            forced,
            asStrings: settings.asStrings.has(j),
            expectedRows: s.expectedRows,
          },
          (next) => {
            s.cols[j] = next;
          },
        );
        return col;
      });
    },
    source.size,
    state,
  );

  const start = (final: boolean) => {
    const text = buffered.join('');
    buffered = [];
    sniffed = settings.delimiter
      ? { delimiter: settings.delimiter, fields: 0, consistency: 1 }
      : sniffDelimiter(
          text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text,
          final && text.length <= SNIFF_CHARS,
        );
    tok = new Tokenizer(sniffed.delimiter, sink.onRow);
    sink.tok = tok;
    tok.push(text);
  };

  await decodeSource(source, encoding, options, state, (text) => {
    if (tok) {
      tok.push(text);
      return;
    }
    buffered.push(text);
    bufferedChars += text.length;
    if (bufferedChars >= SNIFF_CHARS) start(false);
  });
  if (!tok) start(true);
  const t = tok as unknown as Tokenizer;
  t.finish();

  const fileName = source.name;
  if (sink.header === null) {
    throw new BenchtopError(
      'empty-file',
      `${fileName} has no rows: it is empty or holds only blank lines. Choose a file with a header row and data.`,
    );
  }
  const total = sink.rows + sink.ragged.count;
  if (total === 0) {
    const shown = sink.names.slice(0, 8).join(', ') + (sink.names.length > 8 ? ', ...' : '');
    throw new BenchtopError(
      'header-only',
      `${fileName} has a header (${sink.ncols} column${sink.ncols === 1 ? '' : 's'}: ${shown}) but no data rows. Add rows below the header, or choose another file.`,
      { columns: sink.ncols },
    );
  }
  if (sink.ragged.count > 0.5 * total) {
    const first = sink.ragged.examples[0];
    const d = (sniffed as unknown as Sniffed).delimiter;
    const dName = d === '\t' ? 'tab' : `'${d}'`;
    throw new BenchtopError(
      'ragged-rows',
      `Line ${first.line} has ${first.fields} field${first.fields === 1 ? '' : 's'}, the header (line ${sink.headerLine}) has ${sink.ncols}. ` +
        `${sink.ragged.count} of ${total} rows have a different number of fields than the header, so the delimiter (${dName}) or the header row is probably wrong. ` +
        'Check the first lines of the file, or choose the delimiter yourself.',
      {
        line: first.line,
        fields: first.fields,
        expected: sink.ncols,
        raggedRows: sink.ragged.count,
        rows: total,
      },
    );
  }
  const finished = sink.cols.map((c) => {
    const out = c.finish(sink.rows);
    if (!out.note && c.note) out.note = c.note;
    return out;
  });
  return {
    sink,
    sniffed: sniffed as unknown as Sniffed,
    hadBom: state.hadBom,
    finished,
    messyFields: t.messyFields,
    firstMessyLine: t.firstMessyLine,
  };
}

const KIND_WORD: Partial<Record<ColumnKind, string>> = {
  integer: 'numbers',
  number: 'numbers',
  boolean: 'true/false values',
  date: 'dates',
};

/** Reads a CSV / TSV source into a typed Arrow table. Throws only BenchtopError. */
export async function readCsv(source: ByteSource, options: IngestOptions): Promise<IngestResult> {
  try {
    return await readCsvOrThrow(source, options);
  } catch (err) {
    // A failing source (a file that vanished, a read error) or a bug must still reach the user as
    // a BenchtopError naming the file.
    throw toBenchtopError(err, `Could not read ${source.name} as CSV`);
  }
}

async function readCsvOrThrow(source: ByteSource, options: IngestOptions): Promise<IngestResult> {
  const kinds = options.kinds ?? {};
  for (const [name, kind] of Object.entries(kinds)) {
    if (!COLUMN_KINDS.includes(kind)) {
      throw new BenchtopError(
        'invalid-argument',
        `Unknown type '${String(kind)}' for column '${name}'. Use one of: ${COLUMN_KINDS.join(', ')}.`,
      );
    }
  }
  const settings: Settings = {
    delimiter: forcedDelimiter(options.delimiter),
    missing: new MissingMatcher(options.missingMarkers ?? DEFAULT_MISSING_MARKERS),
    kinds,
    asStrings: new Set(),
  };
  const notes: string[] = [];
  let encoding: CsvEncoding = options.encoding ?? 'utf-8';
  let badByte = -1;

  for (let attempt = 0; ; attempt++) {
    let pass: Pass;
    try {
      pass = await readPass(source, options, encoding, settings);
    } catch (err) {
      if (!(err instanceof NotUtf8)) throw err;
      if (options.encoding === 'utf-8' || encoding !== 'utf-8') {
        throw new BenchtopError(
          'bad-csv',
          `${source.name} is not valid UTF-8 (the first bad byte is near byte ${err.byteOffset}). ` +
            'If it was saved by an older program it may be Windows-1252 (Latin-1): choose that encoding, or save the file as UTF-8.',
          { byteOffset: err.byteOffset },
        );
      }
      encoding = 'windows-1252';
      badByte = err.byteOffset;
      continue;
    }
    const overflow = pass.finished.flatMap((c, j) => (c.overflow ? [j] : []));
    if (overflow.length > 0 && attempt < 4) {
      for (const j of overflow) {
        const c = pass.finished[j];
        const first = c.strays.values[0];
        const line = pass.sink.rowLines[c.strays.rows[0]];
        settings.asStrings.add(j);
        notes.push(
          `'${pass.sink.names[j]}' looked like ${KIND_WORD[c.kind] ?? c.kind} in its first rows, but ${c.strays.count} of its values are not ` +
            `(for example '${first}' on line ${line}); it was read as text.`,
        );
      }
      continue;
    }
    return assemble(source, pass, encoding, badByte, notes, kinds);
  }
}

function assemble(
  source: ByteSource,
  pass: Pass,
  encoding: CsvEncoding,
  badByte: number,
  notes: string[],
  kinds: Record<string, ColumnKind>,
): IngestResult {
  const { sink, sniffed, finished } = pass;
  const out: string[] = [];
  if (badByte >= 0) {
    out.push(
      `${source.name} is not valid UTF-8 (near byte ${badByte}); it was read as Windows-1252 (Latin-1), so accented letters such as é come out right.`,
    );
  }
  if (sniffed.unusual) {
    const sep = sniffed.unusual === 'spaces' ? 'runs of spaces' : `'${sniffed.unusual}'`;
    out.push(
      `Every line reads as one column. The lines look separated by ${sep}, which is not one of the delimiters Benchtop detects (, ; tab |); ` +
        'if that is the separator, choose it as the delimiter.',
    );
  }
  if (pass.messyFields > 0) {
    out.push(
      `${pass.messyFields} quoted field${pass.messyFields === 1 ? ' has' : 's have'} text after the closing quote (first on line ${pass.firstMessyLine}); ` +
        'the text was kept in the same field.',
    );
  }
  const schema: ColumnSchema[] = [];
  const columns: BuiltColumn[] = [];
  const strayValues: IngestReport['strayValues'] = {};
  finished.forEach((c, j) => {
    const name = sink.names[j];
    const entry: ColumnSchema = { name, kind: c.kind };
    const written = sink.header?.[j] ?? name;
    if (written !== name) entry.sourceName = written;
    if (c.numberFormat && c.numberFormat !== 'plain') {
      entry.numberFormat = c.numberFormat;
      out.push(
        `'${name}' is written with ${describeNumberFormat(c.numberFormat)}; it was read as numbers.`,
      );
    }
    if (c.dateFormat && c.dateFormat.order !== 'ymd') {
      out.push(`'${name}' holds dates written ${describeDateFormat(c.dateFormat)}.`);
    }
    if (c.note) out.push(c.note);
    if (c.strays.count > 0) {
      strayValues[name] = {
        count: c.strays.count,
        examples: c.strays.rows.map((r, i) => ({
          line: sink.rowLines[r],
          value: c.strays.values[i],
        })),
      };
    }
    if (c.data.nullCount === sink.rows && sink.rows > 0)
      out.push(`'${name}' has no values (every row is missing).`);
    schema.push(entry);
    columns.push({ schema: entry, data: c.data });
  });
  const names = new Set(sink.names);
  const header = new Set(sink.header ?? []);
  const unknown = Object.keys(kinds).filter((k) => !names.has(k) && !header.has(k));
  for (const k of unknown)
    out.push(`The type set for '${k}' was not used: the file has no such column.`);
  if (sink.ragged.count > 0) {
    out.push(
      `${sink.ragged.count} row${sink.ragged.count === 1 ? '' : 's'} with a different number of fields than the header ${
        sink.ragged.count === 1 ? 'was' : 'were'
      } left out (first on line ${sink.ragged.lines[0]}).`,
    );
  }
  const table = buildTable(columns);
  const report: IngestReport = {
    format: 'csv',
    encoding,
    delimiter: sniffed.delimiter,
    hadBom: pass.hadBom,
    rows: sink.rows,
    columns: sink.ncols,
    renamedHeaders: sink.renamed,
    raggedRows: {
      count: sink.ragged.count,
      lines: sink.ragged.lines,
      expected: sink.ncols,
      examples: sink.ragged.examples,
    },
    strayValues,
    notes: [...out, ...notes],
  };
  return { table, schema, report };
}
