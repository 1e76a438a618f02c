// Bytes -> text for the CSV reader, one chunk at a time (never one whole-file string): rejects
// binary files from their first bytes, strips a UTF-8 BOM, decodes UTF-8 with `fatal: true` so an
// invalid byte is noticed (never a silent U+FFFD), and decodes Windows-1252 when asked to. The
// caller restarts the read as Windows-1252 when it sees `NotUtf8`.
import { BenchtopError, cancelled } from '../../errors';
import type { ByteSource, IngestOptions } from '../types';

export type CsvEncoding = 'utf-8' | 'windows-1252';

/** Thrown when the bytes are not valid UTF-8; `byteOffset` is the first bad byte (approximately). */
export class NotUtf8 extends Error {
  constructor(readonly byteOffset: number) {
    super(`not valid UTF-8 near byte ${byteOffset}`);
  }
}

/** Largest slice of bytes decoded to one string. */
const PIECE_BYTES = 1 << 16;

/** How many leading bytes the binary check looks at. */
const HEAD_BYTES = 8192;

export interface DecodeState {
  bytesRead: number;
  /** Bytes handed to the decoder and characters out of it: bytes per character, to estimate rows. */
  bytesDecoded: number;
  charsDecoded: number;
  hadBom: boolean;
}

/**
 * Throws `binary-file` when the first bytes cannot be a text CSV: a NUL byte, a known binary
 * signature, or many control characters. UTF-16 gets its own message (it is text, just not ours).
 */
export function checkNotBinary(name: string, head: Uint8Array): void {
  const b0 = head[0];
  const b1 = head[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    throw new BenchtopError(
      'binary-file',
      `${name} is encoded as UTF-16, which Benchtop does not read. Save it again as CSV UTF-8 (for example "CSV UTF-8" in Excel's Save As).`,
    );
  }
  if (b0 === 0x50 && b1 === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new BenchtopError(
      'binary-file',
      `${name} does not look like a text CSV file (it contains binary data: it is a ZIP archive, perhaps an Excel workbook). ` +
        'Export the sheet as CSV and load that file.',
    );
  }
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) {
      throw new BenchtopError(
        'binary-file',
        `${name} does not look like a text CSV file (it contains binary data: a NUL byte at byte ${i}). ` +
          'Choose the CSV export of your data, or an .arrow / .parquet file.',
        { byteOffset: i },
      );
    }
    // Tab, LF, VT, FF and CR are text; other C0 controls and DEL are not.
    if ((b < 0x20 && (b < 0x09 || b > 0x0d)) || b === 0x7f) control++;
  }
  if (head.length > 0 && control / head.length > 0.1) {
    throw new BenchtopError(
      'binary-file',
      `${name} does not look like a text CSV file (it contains binary data: ${Math.round((100 * control) / head.length)}% control characters). ` +
        'Choose the CSV export of your data, or an .arrow / .parquet file.',
    );
  }
}

/** The source itself failed (a file moved or changed while it was read): say so, not "a bug". */
function readFailure(name: string, err: unknown): BenchtopError {
  const raw = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new BenchtopError(
    'bad-csv',
    `${name} could not be read to the end (${raw}). If it was moved, renamed or changed while loading, choose it again.`,
    { cause: raw },
  );
}

/** Offset of the first byte that breaks UTF-8 in `bytes` (skipping a leading partial sequence). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && i < 3 && (bytes[i] & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len =
      b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    if (i + len > bytes.length) return i; // cut at the end: counts as bad only at end of input
    for (let k = 1; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/**
 * Decodes the source chunk by chunk. Calls `onChunk` with each decoded piece of text, polls
 * cancellation and reports progress per chunk. Throws `NotUtf8` (UTF-8 only) on an invalid byte.
 */
export async function decodeSource(
  source: ByteSource,
  encoding: CsvEncoding,
  options: IngestOptions,
  state: DecodeState,
  onText: (text: string) => void,
): Promise<void> {
  const decoder =
    encoding === 'utf-8'
      ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
      : new TextDecoder('windows-1252', { ignoreBOM: true });
  state.bytesRead = 0;
  state.bytesDecoded = 0;
  state.charsDecoded = 0;
  state.hadBom = false;
  let head: Uint8Array | null = new Uint8Array(0) as Uint8Array;
  let started = false;

  const decodePiece = (bytes: Uint8Array, offset: number, stream: boolean) => {
    let text: string;
    try {
      text = decoder.decode(bytes, { stream });
    } catch {
      const at = firstInvalidUtf8(bytes);
      throw new NotUtf8(offset + (at < 0 ? bytes.length : at));
    }
    state.bytesDecoded += bytes.length;
    state.charsDecoded += text.length;
    if (text.length > 0) onText(text);
  };
  // Decoded in slices of at most PIECE_BYTES: strings that size live in V8's young generation and
  // are freed by the next scavenge, while megabyte strings would pile up until a full GC.
  const decode = (bytes: Uint8Array, offset: number, stream: boolean) => {
    if (bytes.length <= PIECE_BYTES) {
      decodePiece(bytes, offset, stream);
      return;
    }
    for (let i = 0; i < bytes.length; i += PIECE_BYTES) {
      const end = Math.min(bytes.length, i + PIECE_BYTES);
      decodePiece(bytes.subarray(i, end), offset + i, stream || end < bytes.length);
    }
  };

  const start = (bytes: Uint8Array) => {
    checkNotBinary(source.name, bytes.subarray(0, HEAD_BYTES));
    let body = bytes;
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      state.hadBom = true;
      body = bytes.subarray(3);
    }
    started = true;
    decode(body, bytes.length - body.length, true);
  };

  const chunks = source.chunks()[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await chunks.next();
      } catch (err) {
        done = true;
        throw readFailure(source.name, err);
      }
      if (step.done) {
        done = true;
        break;
      }
      const chunk = step.value;
      if (options.isCancelled?.()) throw cancelled();
      const offset = state.bytesRead;
      state.bytesRead += chunk.byteLength;
      if (!started && head) {
        // Gather the first few KB before judging the file (sources may hand out tiny chunks).
        const joined: Uint8Array = new Uint8Array(head.length + chunk.byteLength);
        joined.set(head);
        joined.set(chunk, head.length);
        if (joined.length < HEAD_BYTES) head = joined;
        else {
          head = null;
          start(joined);
        }
      } else {
        decode(chunk, offset, true);
      }
      options.onProgress?.({ phase: 'parsing', done: state.bytesRead, total: source.size });
    }
  } finally {
    // Stopped early (an error, a cancel, a restart): release the underlying stream.
    if (!done) await chunks.return?.();
  }
  if (!started && head) start(head);
  decode(new Uint8Array(0), state.bytesRead, false);
}
