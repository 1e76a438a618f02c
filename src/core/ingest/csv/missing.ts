// Missing-value markers (empty, NA, N/A, null, NULL, ?, NaN, None by default, or the user's list),
// matched against a range of the text without slicing in the common case: a field longer than the
// longest marker, or starting with a character no marker starts with, is rejected from its length
// and first char code alone. That keeps the check off the hot path of numeric columns.

export class MissingMatcher {
  private readonly set: Set<string>;
  private readonly maxLen: number;
  private readonly emptyIsMissing: boolean;
  /** firstChar[c] = 1 when some marker starts with char code c (< 128). */
  private readonly firstChar = new Uint8Array(128);
  private readonly nonAsciiFirst: boolean;
  /** Some marker contains a quote (only then can a field with `""` in it be missing). */
  readonly quoteInMarker: boolean;

  constructor(markers: readonly string[]) {
    this.set = new Set(markers);
    this.emptyIsMissing = this.set.has('');
    let maxLen = 0;
    let nonAscii = false;
    for (const m of markers) {
      if (m.length === 0) continue;
      maxLen = Math.max(maxLen, m.length);
      const c = m.charCodeAt(0);
      if (c < 128) this.firstChar[c] = 1;
      else nonAscii = true;
    }
    this.maxLen = maxLen;
    this.quoteInMarker = markers.some((m) => m.includes('"'));
    this.nonAsciiFirst = nonAscii;
  }

  /** Is `text[start, end)` a marker? (The caller trims unquoted fields first.) */
  range(text: string, start: number, end: number): boolean {
    const len = end - start;
    if (len === 0) return this.emptyIsMissing;
    if (len > this.maxLen) return false;
    const c = text.charCodeAt(start);
    if (c < 128 ? this.firstChar[c] === 0 : !this.nonAsciiFirst) return false;
    return this.set.has(text.slice(start, end));
  }

  value(v: string): boolean {
    return this.set.has(v);
  }
}

const SPACE = 32;
const TAB = 9;

/** Start of `text[start, end)` without leading spaces and tabs. */
export function trimStart(text: string, start: number, end: number): number {
  while (start < end) {
    const c = text.charCodeAt(start);
    if (c !== SPACE && c !== TAB) break;
    start++;
  }
  return start;
}

/** End of `text[start, end)` without trailing spaces and tabs. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start) {
    const c = text.charCodeAt(end - 1);
    if (c !== SPACE && c !== TAB) break;
    end--;
  }
  return end;
}
