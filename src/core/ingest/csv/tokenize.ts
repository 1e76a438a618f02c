// The CSV tokenizer: splits decoded text into rows of fields (RFC 4180 quoting, CRLF / LF / lone CR
// line endings, blank lines skipped) without creating substrings. Each row is handed to a callback
// as start / end offsets into the current text plus per-field flags, so typed columns can parse
// numbers straight from char codes and only string columns ever slice.
//
// Text arrives in pieces (one decoded chunk at a time). A row that is not complete at the end of a
// piece is carried over and scanned again once more text arrives; rows are short, so the rescan is
// cheap, and a row can only complete when new text brings a line break (and, inside an open quote,
// a quote), so we skip the rescan entirely until it does. A row longer than `maxRowChars` is an
// error: it almost always means a quote that was never closed.
//
// Held to papaparse as the oracle by tests/properties/csv-tokenizer.test.ts on well-formed input.
// Where the input is malformed we follow Python's csv module instead of papaparse: text after a
// closing quote (`"ab"cd`) stays in the same field (`abcd`) rather than swallowing the rest of the
// file into one quoted value.
import { BenchtopError } from '../../errors';

/** The field was quoted: offsets are inside the quotes and the value is not trimmed. */
export const QUOTED = 1;
/** The quoted field contains doubled quotes (`""`) that must be unescaped. */
export const ESCAPED = 2;
/** Text follows the closing quote (`"ab"cd`): use `fieldValue`, the offsets span both parts. */
export const MESSY = 4;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/**
 * Called once per non-blank row. The field offsets are in `tokenizer.starts / ends / flags`
 * (indices 0..fieldCount-1) and index into `text`; they are only valid during the call.
 * `line` is the 1-based physical line where the row starts (quoted line breaks count); `chars` is
 * the length of the row's text with its line break.
 */
export type RowCallback = (text: string, fieldCount: number, line: number, chars: number) => void;

export const DEFAULT_MAX_ROW_CHARS = 8 << 20;

export class Tokenizer {
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  flags = new Uint8Array(64);
  /** Physical lines consumed so far (the next row starts on line `line`). */
  private line = 1;
  private readonly delim: number;
  /** Text of the incomplete row at the end of the previous piece, kept as pieces until needed. */
  private pending: string[] = [];
  private pendingChars = 0;
  /** How the pending row stopped: 0 needs any new text, 1 needs a line break, 2 needs a quote. */
  private pendingNeed = 0;
  /** Malformed quotes seen (`"ab"cd`): count and first line, for the report. */
  messyFields = 0;
  firstMessyLine = 0;

  constructor(
    delimiter: string,
    private readonly onRow: RowCallback,
    private readonly maxRowChars = DEFAULT_MAX_ROW_CHARS,
  ) {
    if (delimiter.length !== 1) {
      throw new BenchtopError(
        'invalid-argument',
        `The delimiter must be one character, got '${delimiter}'.`,
      );
    }
    this.delim = delimiter.charCodeAt(0);
  }

  /** Feeds the next piece of text; complete rows are emitted, the rest is kept for later. */
  push(piece: string): void {
    if (piece.length === 0) return;
    if (this.pendingChars === 0) {
      this.keep(piece, this.scan(piece, 0, false));
      return;
    }
    const need = this.pendingNeed;
    if (
      (need === 1 || need === 2) &&
      ((piece.indexOf('\n') < 0 && piece.indexOf('\r') < 0) ||
        (need === 2 && piece.indexOf('"') < 0))
    ) {
      // The pending row cannot end in this piece: just collect it.
      this.pending.push(piece);
      this.pendingChars += piece.length;
      if (this.pendingChars > this.maxRowChars) throw this.tooLong(need === 2);
      return;
    }
    const head = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    // Finish the pending row with as little of the piece as needed, then scan the rest of the
    // piece in place: joining whole pieces would copy the file once more.
    let k = Math.min(piece.length, 4096);
    for (;;) {
      const joined = head + piece.slice(0, k);
      const stop = this.scan(joined, 0, false);
      if (stop < 0) {
        this.keep(piece, k < piece.length ? this.scan(piece, k, false) : -1);
        return;
      }
      if (stop >= head.length) {
        this.keep(piece, this.scan(piece, stop - head.length, false));
        return;
      }
      if (k === piece.length) {
        this.keep(joined, stop);
        return;
      }
      k = Math.min(piece.length, k * 8);
    }
  }

  /** End of input: the last row needs no line break. */
  finish(): void {
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (text.length > 0) this.scan(text, 0, true);
  }

  /** Keeps `text` from `stop` (an incomplete row) for the next piece; -1 means nothing is left. */
  private keep(text: string, stop: number): void {
    if (stop < 0) {
      this.pending = [];
      this.pendingChars = 0;
      return;
    }
    const rest = stop === 0 ? text : text.slice(stop);
    this.pending = [rest];
    this.pendingChars = rest.length;
    if (rest.length > this.maxRowChars) throw this.tooLong(this.pendingNeed === 2);
  }

  private tooLong(inQuote: boolean): BenchtopError {
    const mb = Math.round(this.maxRowChars / (1 << 20));
    return new BenchtopError(
      'bad-csv',
      inQuote
        ? `Line ${this.line} opens a quoted value that runs on for more than ${mb} MB without a closing quote. ` +
            'Check that line for a stray " character.'
        : `Line ${this.line} is longer than ${mb} MB without a line break; this does not look like a table.`,
      { line: this.line },
    );
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(n);
    e.set(this.ends);
    this.ends = e;
    const f = new Uint8Array(n);
    f.set(this.flags);
    this.flags = f;
  }

  /**
   * Scans `text` from offset `from`, the start of a row. When `final` is false, a row that reaches
   * the end of the text (or ends on a CR that a following LF could belong to) is not emitted: its
   * start offset is returned (and `line` / `pendingNeed` describe it). Returns -1 otherwise.
   */
  private scan(text: string, from: number, final: boolean): number {
    const n = text.length;
    const delim = this.delim;
    let p = from;
    let line = this.line;
    let rowStart = from;
    let rowLine = line;
    let need = 0; // what an incomplete row waits for (see pendingNeed)
    let incomplete = false;

    rows: while (p < n) {
      rowStart = p;
      rowLine = line;
      let c = text.charCodeAt(p);
      // Blank line: skipped, but it still counts as a line.
      if (c === LF) {
        p++;
        line++;
        continue;
      }
      if (c === CR) {
        if (p + 1 < n) p += text.charCodeAt(p + 1) === LF ? 2 : 1;
        else if (final) p++;
        else {
          incomplete = true;
          need = 0;
          break;
        }
        line++;
        continue;
      }
      let nf = 0;
      let messy = 0;
      for (;;) {
        if (nf === this.starts.length) this.grow();
        c = p < n ? text.charCodeAt(p) : -1;
        if (c === QUOTE) {
          // Quoted field: runs to the next quote that is not doubled.
          let q = p + 1;
          let fl = QUOTED;
          for (;;) {
            if (q >= n) {
              if (final) {
                throw new BenchtopError(
                  'bad-csv',
                  `Line ${rowLine} opens a quoted value that is never closed, so the rest of the file would be one value. ` +
                    'Check that line for a stray " character.',
                  { line: rowLine },
                );
              }
              incomplete = true;
              need = 2;
              break rows;
            }
            const d = text.charCodeAt(q);
            if (d === QUOTE) {
              if (q + 1 < n) {
                if (text.charCodeAt(q + 1) === QUOTE) {
                  fl |= ESCAPED;
                  q += 2;
                  continue;
                }
                break;
              }
              if (final) break;
              // A quote at the very end: it may be the first half of a doubled quote.
              incomplete = true;
              need = 0;
              break rows;
            }
            if (d === LF) line++;
            else if (d === CR) {
              if (q + 1 >= n && !final) {
                incomplete = true;
                need = 0;
                break rows;
              }
              if (text.charCodeAt(q + 1) !== LF) line++;
            }
            q++;
          }
          // q is on the closing quote.
          this.starts[nf] = p + 1;
          this.ends[nf] = q;
          p = q + 1;
          // Spaces between the closing quote and the delimiter are ignored (as papaparse does).
          let r = p;
          while (r < n) {
            const d = text.charCodeAt(r);
            if ((d !== SPACE && d !== TAB) || d === delim) break;
            r++;
          }
          const d = r < n ? text.charCodeAt(r) : -1;
          if (d === -1 && !final) {
            incomplete = true;
            need = 1;
            break rows;
          }
          if (d === delim || d === LF || d === CR || d === -1) {
            p = r;
          } else {
            // Text after the closing quote: keep it in this field, up to the next delimiter.
            fl |= MESSY;
            while (r < n) {
              const e = text.charCodeAt(r);
              if (e === delim || e === LF || e === CR) break;
              r++;
            }
            if (r >= n && !final) {
              incomplete = true;
              need = 1;
              break rows;
            }
            this.ends[nf] = r;
            p = r;
            messy++;
          }
          this.flags[nf] = fl;
        } else {
          // Unquoted field: up to the next delimiter or line break. A quote inside is literal.
          let q = p;
          while (q < n) {
            const d = text.charCodeAt(q);
            if (d === delim || d === LF || d === CR) break;
            q++;
          }
          if (q >= n && !final) {
            incomplete = true;
            need = 1;
            break rows;
          }
          this.starts[nf] = p;
          this.ends[nf] = q;
          this.flags[nf] = 0;
          p = q;
        }
        nf++;
        if (p >= n) {
          // End of input ends the row (only reachable when final).
          line++;
          this.emit(text, nf, rowLine, rowStart, p, messy);
          break rows;
        }
        c = text.charCodeAt(p);
        if (c === delim) {
          p++;
          continue;
        }
        if (c === LF) p++;
        else {
          // CR: a CRLF pair counts once; a CR at the end may be the first half of one.
          if (p + 1 < n) p += text.charCodeAt(p + 1) === LF ? 2 : 1;
          else if (final) p++;
          else {
            incomplete = true;
            need = 0;
            break rows;
          }
        }
        line++;
        this.emit(text, nf, rowLine, rowStart, p, messy);
        continue rows;
      }
    }

    if (incomplete) {
      this.line = rowLine;
      this.pendingNeed = need;
      return rowStart;
    }
    this.line = line;
    return -1;
  }

  private emit(
    text: string,
    nf: number,
    rowLine: number,
    rowStart: number,
    rowEnd: number,
    messy: number,
  ): void {
    if (rowEnd - rowStart > this.maxRowChars) {
      this.line = rowLine;
      throw this.tooLong(false);
    }
    if (messy > 0) {
      // Counted only for emitted rows: a pending row is scanned again from its start.
      if (this.messyFields === 0) this.firstMessyLine = rowLine;
      this.messyFields += messy;
    }
    this.onRow(text, nf, rowLine, rowEnd - rowStart);
  }
}

/** The value of field `i` of the current row as a string (quotes removed, `""` unescaped). */
export function fieldValue(text: string, start: number, end: number, flags: number): string {
  if ((flags & MESSY) !== 0) return messyValue(text, start, end);
  const raw = text.slice(start, end);
  return (flags & ESCAPED) !== 0 ? raw.replaceAll('""', '"') : raw;
}

/** `"ab""c"de` (offsets after the opening quote) -> `ab"cde`, as Python's csv module reads it. */
function messyValue(text: string, start: number, end: number): string {
  let out = '';
  let i = start;
  let from = start;
  for (; i < end; i++) {
    if (text.charCodeAt(i) === QUOTE) {
      if (i + 1 < end && text.charCodeAt(i + 1) === QUOTE) {
        out += text.slice(from, i + 1);
        i++;
        from = i + 1;
        continue;
      }
      out += text.slice(from, i);
      // Closing quote: the rest is taken as written.
      return out + text.slice(i + 1, end);
    }
  }
  return out + text.slice(from, end);
}
