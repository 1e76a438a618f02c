// String columns of the CSV reader as Arrow data, built from flat buffers (no per-value Builder):
// UTF-8 bytes + Int32 offsets for text, Int32 codes + a Utf8 dictionary for categoricals, a packed
// validity bitmap for missing values. Numeric, boolean and date columns use the shared storage
// helpers in ../normalize.ts so every reader stores the same layout.
import { Dictionary, Float64, Int32, makeData, makeVector, Utf8, type Data } from 'apache-arrow';
import { validity } from '../normalize';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Numbers (Float64) or integers (Int32 when every value fits, else Float64, as ../normalize.ts
 * stores them) from the reader's accumulator. The Float64 buffer is used as it is, not copied;
 * missing rows already hold 0. A buffer much larger than the column is trimmed.
 */
export function numericData(
  values: Float64Array,
  present: Uint8Array,
  length: number,
  integer: boolean,
): Data {
  const { nullBitmap, nullCount } = validity(present, length);
  if (integer) {
    let fits = true;
    for (let i = 0; i < length; i++) {
      const v = values[i];
      if (v < INT32_MIN || v > INT32_MAX) {
        fits = false;
        break;
      }
    }
    if (fits) {
      const out = new Int32Array(length);
      for (let i = 0; i < length; i++) out[i] = values[i];
      return makeData({ type: new Int32(), length, nullCount, nullBitmap, data: out });
    }
  }
  const data =
    values.length > length * 1.2 + 1024 ? values.slice(0, length) : values.subarray(0, length);
  return makeData({ type: new Float64(), length, nullCount, nullBitmap, data });
}

/** A growable UTF-8 byte buffer that encodes straight from a string range (no TextEncoder call). */
export class Utf8Buffer {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Grows the buffer to hold `total` bytes in all (a one-off sizing from an estimate). */
  reserveTotal(total: number): void {
    if (total > this.bytes.length) this.reserve(total - this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let cap = Math.ceil(this.bytes.length * 1.5);
    while (cap < this.length + extra) cap = Math.ceil(cap * 1.5);
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  /** Appends `text[start, end)`, skipping the second quote of each `""` pair when `unescape`. */
  append(text: string, start: number, end: number, unescape = false): void {
    this.reserve(3 * (end - start));
    const out = this.bytes;
    let p = this.length;
    let i = start;
    // ASCII without doubled quotes to skip: one byte per char, the common case.
    if (!unescape) {
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        out[p++] = c;
        i++;
      }
      if (i === end) {
        this.length = p;
        return;
      }
    }
    for (; i < end; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        out[p++] = c;
        if (unescape && c === 34 && i + 1 < end && text.charCodeAt(i + 1) === 34) i++;
      } else if (c < 0x800) {
        out[p++] = 0xc0 | (c >> 6);
        out[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[p++] = 0xf0 | (c >> 18);
          out[p++] = 0x80 | ((c >> 12) & 0x3f);
          out[p++] = 0x80 | ((c >> 6) & 0x3f);
          out[p++] = 0x80 | (c & 0x3f);
        } else {
          // A lone surrogate cannot come out of TextDecoder; encode it as U+FFFD like TextEncoder.
          out[p++] = 0xef;
          out[p++] = 0xbf;
          out[p++] = 0xbd;
        }
      } else if (c >= 0xd800 && c <= 0xdfff) {
        out[p++] = 0xef;
        out[p++] = 0xbf;
        out[p++] = 0xbd;
      } else {
        out[p++] = 0xe0 | (c >> 12);
        out[p++] = 0x80 | ((c >> 6) & 0x3f);
        out[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.length = p;
  }

  appendBytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }
}

/** Utf8 data from the bytes and offsets (length + 1 entries) of `length` rows. */
export function utf8Data(
  bytes: Uint8Array,
  offsets: Int32Array,
  present: Uint8Array | null,
  length: number,
): Data<Utf8> {
  const { nullBitmap, nullCount } = present
    ? validity(present, length)
    : { nullBitmap: undefined, nullCount: 0 };
  return makeData({
    type: new Utf8(),
    length,
    nullCount,
    nullBitmap,
    valueOffsets: offsets.subarray(0, length + 1),
    data: bytes,
  });
}

/** Encodes a list of strings into one Utf8 data (the dictionary of a categorical column). */
export function stringsData(values: readonly string[]): Data<Utf8> {
  const buf = new Utf8Buffer(Math.max(64, values.length * 8));
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < values.length; i++) {
    buf.append(values[i], 0, values[i].length);
    offsets[i + 1] = buf.length;
  }
  return utf8Data(buf.bytes.subarray(0, buf.length), offsets, null, values.length);
}

/** Dictionary<Utf8, Int32> from dictionary strings and per-row codes. */
export function dictionaryData(
  dictionary: readonly string[],
  codes: Int32Array,
  present: Uint8Array,
  length: number,
): Data<Dictionary<Utf8, Int32>> {
  const { nullBitmap, nullCount } = validity(present, length);
  const out = codes.subarray(0, length);
  // Missing rows hold code 0 so the stored bytes do not depend on leftovers.
  if (nullCount > 0) for (let i = 0; i < length; i++) if (!present[i]) out[i] = 0;
  return makeData({
    type: new Dictionary(new Utf8(), new Int32()),
    length,
    nullCount,
    nullBitmap,
    data: out,
    dictionary: makeVector(stringsData(dictionary)),
  });
}
