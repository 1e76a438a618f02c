// Fast readers of Arrow columns into plain typed arrays, used by normalisation, the profile and the
// type override. They walk each chunk's buffers directly (one pass, no per-row vector.get for the
// common layouts) and work on tables that came back from IPC, so they dispatch on typeId, never
// on instanceof.
import { Type, type Data, type DataType, type Vector } from 'apache-arrow';

/** One byte per row, 1 when the row has a value; `null` means every row has one. */
export type Presence = Uint8Array | null;

/** True when row i of a chunk has a value (bitmaps are indexed from the chunk's offset). */
export function validAt(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return true;
  const bit = data.offset + i;
  return (bitmap[bit >> 3] & (1 << (bit & 7))) !== 0;
}

/** Milliseconds per unit of Arrow's TimeUnit enum: SECOND, MILLISECOND, MICROSECOND, NANOSECOND. */
export const TIME_UNIT_TO_MS: readonly number[] = [1000, 1, 1e-3, 1e-6];

export interface NumericColumn {
  /** Values of present rows (missing rows hold 0). Dates in epoch ms, booleans as 0/1. */
  values: Float64Array;
  present: Presence;
  missing: number;
  /** Some 64-bit integer did not fit a double exactly. */
  unsafe: boolean;
}

function unitScale(type: DataType): number {
  const t = type as unknown as { unit?: number };
  if (type.typeId === Type.Date) return t.unit === 0 ? 86_400_000 : 1;
  if (type.typeId === Type.Timestamp || type.typeId === Type.Time)
    return TIME_UNIT_TO_MS[t.unit ?? 1] ?? 1;
  return 1;
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

/**
 * Reads a numeric-like column (integers, floats, dates, timestamps, booleans) as doubles.
 * NaN counts as missing, as pandas does.
 */
export function numericValues(vector: Vector): NumericColumn {
  const n = vector.length;
  const values = new Float64Array(n);
  const present = new Uint8Array(n);
  let missing = 0;
  let unsafe = false;
  let row = 0;
  const type = vector.type as DataType;
  const scale = unitScale(type);
  const half =
    type.typeId === Type.Float && (type as unknown as { precision: number }).precision === 0;
  const direct =
    !half &&
    (type.typeId === Type.Int ||
      type.typeId === Type.Float ||
      type.typeId === Type.Date ||
      type.typeId === Type.Timestamp ||
      type.typeId === Type.Time);
  for (const chunk of vector.data) {
    if (direct) {
      const raw = chunk.values as ArrayLike<number | bigint>;
      for (let i = 0; i < chunk.length; i++, row++) {
        if (!validAt(chunk, i)) {
          missing++;
          continue;
        }
        const v = raw[i];
        let x: number;
        if (typeof v === 'bigint') {
          x = Number(v);
          if (!Number.isSafeInteger(x)) unsafe = true;
        } else x = v;
        if (x !== x) {
          missing++;
          continue;
        }
        values[row] = scale === 1 ? x : x * scale;
        present[row] = 1;
      }
    } else if (type.typeId === Type.Bool) {
      const bits = chunk.values as Uint8Array;
      for (let i = 0; i < chunk.length; i++, row++) {
        if (!validAt(chunk, i)) {
          missing++;
          continue;
        }
        const bit = chunk.offset + i;
        values[row] = (bits[bit >> 3] >> (bit & 7)) & 1;
        present[row] = 1;
      }
    } else {
      // Uncommon layouts (Float16, Decimal, dictionaries of numbers): the vector's own accessor.
      const decimalScale =
        type.typeId === Type.Decimal ? 10 ** (type as unknown as { scale: number }).scale : 1;
      for (let i = 0; i < chunk.length; i++, row++) {
        const x = toNumber(vector.get(row)) / decimalScale;
        if (x !== x) {
          missing++;
          continue;
        }
        values[row] = x;
        present[row] = 1;
      }
    }
  }
  return { values, present: missing ? present : null, missing, unsafe };
}

// ignoreBOM keeps a leading U+FEFF inside a value instead of silently dropping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes every value of a Utf8 chunk with one TextDecoder call over its whole byte range, then
 * cuts the result with substring (cheap in V8), instead of one decode per row. Byte offsets are
 * mapped to UTF-16 offsets in one scan. Returns null when the bytes are not valid UTF-8, so the
 * caller falls back to Arrow's own per-row decoding.
 */
function utf8Chunk(chunk: Data, out: (string | null)[], row: number): boolean {
  const offsets = chunk.valueOffsets as Int32Array | undefined;
  const bytes = chunk.values as Uint8Array | undefined;
  if (!(offsets instanceof Int32Array) || !(bytes instanceof Uint8Array)) return false;
  const n = chunk.length;
  const begin = offsets[0];
  const end = offsets[n];
  const used = bytes.subarray(begin, end);
  let text: string;
  try {
    text = utf8.decode(used);
  } catch {
    return false;
  }
  if (text.length === used.length) {
    // ASCII: byte offsets are string offsets.
    for (let i = 0; i < n; i++) {
      out[row + i] = validAt(chunk, i)
        ? text.substring(offsets[i] - begin, offsets[i + 1] - begin)
        : null;
    }
    return true;
  }
  // Non-ASCII: walk the bytes once, counting UTF-16 units (4-byte sequences take two).
  const units = new Int32Array(n + 1);
  let unit = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    units[i] = unit;
    const stop = offsets[i + 1] - begin;
    for (; b < stop; b++) {
      const x = used[b];
      if ((x & 0xc0) !== 0x80) unit += x >= 0xf0 ? 2 : 1;
    }
  }
  units[n] = unit;
  if (unit !== text.length) return false; // should not happen for valid UTF-8; be safe

  for (let i = 0; i < n; i++)
    out[row + i] = validAt(chunk, i) ? text.substring(units[i], units[i + 1]) : null;
  return true;
}

/** Reads a string-like column (Utf8, dictionary of strings, anything else via String()). */
export function stringValues(vector: Vector): (string | null)[] {
  const n = vector.length;
  const out = new Array<string | null>(n);
  let row = 0;
  for (const chunk of vector.data) {
    if (chunk.type.typeId === Type.Dictionary && chunk.dictionary) {
      // Decode each dictionary entry once, then index by code: far cheaper than get() per row.
      const dict = chunk.dictionary;
      const words = new Array<string | null>(dict.length);
      for (let k = 0; k < dict.length; k++) {
        const w: unknown = dict.get(k);
        words[k] = w === null || w === undefined ? null : String(w);
      }
      const codes = chunk.values as ArrayLike<number | bigint>;
      for (let i = 0; i < chunk.length; i++, row++) {
        out[row] = validAt(chunk, i) ? words[Number(codes[i])] : null;
      }
    } else if (chunk.type.typeId === Type.Utf8 && utf8Chunk(chunk, out, row)) {
      row += chunk.length;
    } else {
      for (let i = 0; i < chunk.length; i++, row++) {
        const v: unknown = vector.get(row);
        out[row] = v === null || v === undefined ? null : String(v);
      }
    }
  }
  return out;
}

/** True for Arrow types whose values are strings (directly or through a dictionary). */
export function isStringType(type: DataType): boolean {
  const id = type.typeId;
  if (id === Type.Utf8 || id === Type.LargeUtf8 || id === Type.Utf8View) return true;
  if (id === Type.Dictionary)
    return isStringType((type as unknown as { dictionary: DataType }).dictionary);
  return false;
}
