// The dictionary of a string column while it is read: an open-addressing hash table keyed by the
// characters of a text range, so looking up a repeated category costs a hash over its chars and
// one comparison, without slicing a substring per field (as a Map<string, number> would need).

const EMPTY = 0;

export class WordTable {
  /** Distinct words in order of first appearance; a word's code is its index. */
  readonly words: string[] = [];
  private hashes: Int32Array = new Int32Array(64);
  /** code + 1 per slot; 0 = empty. */
  private slots: Int32Array = new Int32Array(128);
  private mask = 127;

  get size(): number {
    return this.words.length;
  }

  /** The code of `text[start, end)`, added as a new word when unseen. */
  codeOf(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    const slots = this.slots;
    let slot = h & this.mask;
    for (;;) {
      const entry = slots[slot];
      if (entry === EMPTY) return this.insert(text, start, end, h, slot);
      const code = entry - 1;
      if (this.hashes[code] === h && sameText(this.words[code], text, start, end)) return code;
      slot = (slot + 1) & this.mask;
    }
  }

  private insert(text: string, start: number, end: number, h: number, slot: number): number {
    const code = this.words.length;
    // A copy, not a slice: a slice would keep the whole decoded chunk alive.
    const word =
      end - start > 12 ? (' ' + text.slice(start, end)).slice(1) : text.slice(start, end);
    this.words.push(word);
    if (code >= this.hashes.length) {
      const next = new Int32Array(this.hashes.length * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    this.hashes[code] = h;
    this.slots[slot] = code + 1;
    if (this.words.length * 2 > this.slots.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let code = 0; code < this.words.length; code++) {
      let slot = this.hashes[code] & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = code + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function sameText(word: string, text: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++)
    if (word.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

/**
 * Distinct values of a UTF-8 column (rows as byte ranges of one buffer), found by hashing the
 * bytes: no string is decoded. Returns each row's code and the first row of every distinct value,
 * or null as soon as there are more than `limit` distinct values.
 */
export function distinctRanges(
  bytes: Uint8Array,
  offsets: Int32Array,
  present: Uint8Array,
  rows: number,
  limit: number,
): { codes: Int32Array; firstRows: number[] } | null {
  const codes = new Int32Array(rows);
  const firstRows: number[] = [];
  const hashes: number[] = [];
  let size = 64;
  while (size < limit * 2) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  for (let r = 0; r < rows; r++) {
    if (!present[r]) continue;
    const s = offsets[r];
    const e = offsets[r + 1];
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    let slot = h & mask;
    let code = -1;
    for (;;) {
      const entry = slots[slot];
      if (entry === 0) break;
      const c = entry - 1;
      if (
        hashes[c] === h &&
        sameBytes(bytes, offsets[firstRows[c]], offsets[firstRows[c] + 1], s, e)
      ) {
        code = c;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (code < 0) {
      if (firstRows.length >= limit) return null;
      code = firstRows.length;
      firstRows.push(r);
      hashes.push(h);
      slots[slot] = code + 1;
    }
    codes[r] = code;
  }
  return { codes, firstRows };
}

function sameBytes(bytes: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) if (bytes[s1 + i] !== bytes[s2 + i]) return false;
  return true;
}
