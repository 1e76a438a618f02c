// rows.drop-duplicates: a filter step. While fitting it keeps the first of every group of rows that
// are equal in the chosen columns (pandas' drop_duplicates(subset=..., keep='first')); to compare
// whole rows, choose every column (the UI offers "all columns"). Missing equals missing, and 0
// equals -0, as pandas compares them. Skipped at inference. The state records how many rows were
// dropped, for the UI to show.
//
// One pass over the rows: each row gets a 32-bit hash of its values, an open-addressing table of
// row numbers finds earlier rows with the same hash, and only those are compared value by value.
// Category codes are compared directly: within one frame a code stands for exactly one value.
import {
  findColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
  type FrameColumn,
} from '../data/frame';
import { ANY_KIND, defineStep } from './define';
import { columnsFilter, type RowCounts } from './rows-filter';

type Params = { columns: string[] };

/** A column read for hashing: doubles as two 32-bit words each, or codes. */
type Key = { words: Uint32Array; values: Float64Array } | { codes: Int32Array };

function keyOf(column: FrameColumn): Key {
  if (!isNumericColumn(column)) return { codes: column.codes };
  const v = column.values;
  return { words: new Uint32Array(v.buffer, v.byteOffset, v.length * 2), values: v };
}

function mix(h: number, x: number): number {
  // murmur3's 32-bit block step.
  let k = Math.imul(x, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashRows(keys: readonly Key[], rows: number): Uint32Array {
  const h = new Int32Array(rows).fill(0x2545f491);
  for (const key of keys) {
    if ('codes' in key) {
      const codes = key.codes;
      for (let i = 0; i < rows; i++) h[i] = mix(h[i], codes[i]);
    } else {
      const { words, values } = key;
      for (let i = 0; i < rows; i++) {
        const x = values[i];
        // Every NaN hashes alike, and 0 like -0 (they compare equal below).
        if (x !== x) h[i] = mix(mix(h[i], 0x7ff80000), 0);
        else if (x === 0) h[i] = mix(mix(h[i], 0), 0);
        else h[i] = mix(mix(h[i], words[2 * i]), words[2 * i + 1]);
      }
    }
  }
  const out = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = finish(h[i]);
  return out;
}

function sameRow(keys: readonly Key[], a: number, b: number): boolean {
  for (const key of keys) {
    if ('codes' in key) {
      if (key.codes[a] !== key.codes[b]) return false;
    } else {
      const x = key.values[a];
      const y = key.values[b];
      if (x !== y && !(x !== x && y !== y)) return false;
    }
  }
  return true;
}

/** Indices of the first row of every group of equal rows, in order. */
export function firstOfEachDuplicate(frame: Frame, columns: readonly string[]): Int32Array {
  const n = frame.rows;
  const keys: Key[] = [];
  for (const name of columns) {
    const c = findColumn(frame, name);
    if (c) keys.push(keyOf(c));
  }
  const hashes = hashRows(keys, n);
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const kept = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const hash = hashes[i];
    let slot = hash & mask;
    let duplicate = false;
    for (;;) {
      const j = table[slot];
      if (j < 0) break;
      if (hashes[j] === hash && sameRow(keys, i, j)) {
        duplicate = true;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (duplicate) continue;
    table[slot] = i;
    kept[m++] = i;
  }
  return kept.subarray(0, m);
}

export const rowsDropDuplicates = defineStep<Params, RowCounts>({
  kind: 'rows.drop-duplicates',
  role: 'filter',
  title: 'Drop duplicate rows',
  description:
    'Keeps only the first of rows that are equal in the chosen columns (choose every column to remove exact duplicate rows), while training only. Missing values count as equal. The number of rows removed is shown.',
  params: {
    columns: {
      type: 'columns',
      label: 'Compare these columns',
      help: 'Choose every column to remove exact duplicate rows.',
      kinds: ANY_KIND,
    },
  },
  defaults: { columns: [] },

  ...columnsFilter(firstOfEachDuplicate),

  examples: [
    {
      name: 'whole rows repeated, with missing values, -0 and NaN',
      params: { columns: ['x', 'city', 'when'] },
      frame: () =>
        makeFrame([
          numericColumn('x', 'number', [1.5, 1.5, null, null, 0, -0, 2]),
          stringColumn('city', 'categorical', ['Oslo', 'Oslo', null, null, 'Lima', 'Lima', 'Oslo']),
          numericColumn('when', 'date', [0, 0, 86_400_000, 86_400_000, 0, 0, 0]),
        ]),
    },
    {
      name: 'duplicates in a subset of the columns only',
      params: { columns: ['city'] },
      frame: () =>
        makeFrame([
          stringColumn('city', 'text', ['Oslo', 'Lima', 'Oslo', 'Pune', 'Lima']),
          numericColumn('n', 'integer', [1, 2, 3, 4, 5]),
        ]),
    },
  ],
});
