// Writes a frame as CSV (RFC 4180): comma-separated, CRLF line ends, a header row, and a field
// quoted ("...", inner quotes doubled) only when it must be: when it holds the delimiter, a quote, a
// line break, or spaces at either end (readers that trim would lose them). Missing values are empty
// fields; numbers are JavaScript's shortest round-trip text (so reading them back gives the same
// doubles); booleans are true / false; dates are ISO 8601 (a plain date when at midnight UTC).
// Used by `benchtop prepare --out file.csv`. Output comes in chunks of rows, so a million-row
// frame never needs one giant string.
import { formatDate } from './recast';
import { isNumericColumn, type Frame, type FrameColumn } from './frame';

export interface CsvWriteOptions {
  /** One character; ',' by default. */
  delimiter?: string;
  /** '\r\n' (RFC 4180, the default) or '\n'. */
  newline?: '\r\n' | '\n';
  /** Rows per chunk yielded by csvChunks. */
  chunkRows?: number;
}

/** One field, quoted when needed. */
export function csvField(text: string, delimiter = ','): string {
  const needs =
    text === '' ||
    text.includes(delimiter) ||
    text.includes('"') ||
    text.includes('\n') ||
    text.includes('\r') ||
    text.trim() !== text;
  return needs ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A function that writes row i of the column as a CSV field. */
function fieldWriter(column: FrameColumn, delimiter: string): (i: number) => string {
  if (isNumericColumn(column)) {
    const v = column.values;
    switch (column.kind) {
      case 'boolean':
        return (i) => (v[i] !== v[i] ? '' : v[i] !== 0 ? 'true' : 'false');
      case 'date':
        return (i) => (v[i] !== v[i] ? '' : formatDate(v[i]));
      default:
        // `x + ''` is JS's shortest round-trip text; -0 prints as "0".
        return (i) => (v[i] !== v[i] ? '' : `${v[i]}`);
    }
  }
  const { codes, categories } = column;
  // Quote each category once, not once per row.
  const quoted = categories.map((c) => csvField(c, delimiter));
  return (i) => (codes[i] < 0 ? '' : quoted[codes[i]]);
}

/** The CSV text in pieces: the header, then blocks of rows. Concatenated, they are the file. */
export function* csvChunks(frame: Frame, options: CsvWriteOptions = {}): Generator<string> {
  const delimiter = options.delimiter ?? ',';
  const newline = options.newline ?? '\r\n';
  const chunkRows = Math.max(1, options.chunkRows ?? 10_000);
  yield frame.columns.map((c) => csvField(c.name, delimiter)).join(delimiter) + newline;
  const writers = frame.columns.map((c) => fieldWriter(c, delimiter));
  const parts: string[] = [];
  for (let start = 0; start < frame.rows; start += chunkRows) {
    const end = Math.min(frame.rows, start + chunkRows);
    parts.length = 0;
    for (let i = start; i < end; i++) {
      let line = writers.length > 0 ? writers[0](i) : '';
      for (let c = 1; c < writers.length; c++) line += delimiter + writers[c](i);
      // A blank line is skipped by most readers: a lone missing value is written as "".
      parts.push(line === '' && writers.length === 1 ? '""' : line);
    }
    yield parts.join(newline) + newline;
  }
}

/** The whole CSV text of a frame (small frames; use csvChunks for big ones). */
export function frameToCsv(frame: Frame, options: CsvWriteOptions = {}): string {
  let out = '';
  for (const chunk of csvChunks(frame, options)) out += chunk;
  return out;
}
