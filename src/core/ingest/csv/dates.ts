// Dates and date-times from char codes, always in UTC (a file without a zone means what it says,
// not the reader's local time): ISO 8601 (`2024-01-31`, `2024-01-31T12:30:00.5Z`, `+02:00`
// offsets) and the unambiguous common forms `2024/01/31`, `31.01.2024`, plus `31/01/2024` or
// `01/31/2024` when a column shows which of day and month comes first. Optional time after `T` or
// a space: `HH:MM`, `HH:MM:SS`, fractions of a second, `AM` / `PM`.

export type DateOrder = 'ymd' | 'dmy' | 'mdy';

export interface DateFormat {
  order: DateOrder;
  /** Separator between the date parts: '-', '/' or '.'. */
  sep: string;
}

const ZERO = 48;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// Cursor state shared by the helpers below (one parse at a time; nothing is allocated).
let pos = 0;

/** Reads 1..max digits at `pos`; returns -1 when there are fewer than `min`. */
function digits(text: string, end: number, min: number, max: number): number {
  let v = 0;
  let n = 0;
  while (pos < end && n < max) {
    const d = text.charCodeAt(pos) - ZERO;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    n++;
    pos++;
  }
  return n < min ? -1 : v;
}

/**
 * Parses `text[start, end)` (trimmed) as a date in `fmt`; returns epoch milliseconds (UTC) or NaN.
 */
export function parseDate(text: string, start: number, end: number, fmt: DateFormat): number {
  pos = start;
  const sep = fmt.sep.charCodeAt(0);
  let y: number, m: number, d: number;
  if (fmt.order === 'ymd') {
    y = digits(text, end, 4, 4);
    if (y < 0 || text.charCodeAt(pos++) !== sep) return NaN;
    m = digits(text, end, 1, 2);
    if (m < 0 || text.charCodeAt(pos++) !== sep) return NaN;
    d = digits(text, end, 1, 2);
  } else {
    const a = digits(text, end, 1, 2);
    if (a < 0 || text.charCodeAt(pos++) !== sep) return NaN;
    const b = digits(text, end, 1, 2);
    if (b < 0 || text.charCodeAt(pos++) !== sep) return NaN;
    y = digits(text, end, 4, 4);
    if (fmt.order === 'dmy') {
      d = a;
      m = b;
    } else {
      m = a;
      d = b;
    }
  }
  if (y < 0 || d < 1 || m < 1 || m > 12 || d > daysInMonth(y, m)) return NaN;
  let ms = daysFromCivil(y, m, d) * MS_PER_DAY;
  if (pos === end) return ms;

  // Time of day.
  const t = text.charCodeAt(pos);
  if (t !== 84 && t !== 116 && t !== SPACE) return NaN; // 'T', 't' or a space
  pos++;
  let h = digits(text, end, 1, 2);
  if (h < 0 || text.charCodeAt(pos++) !== COLON) return NaN;
  const mi = digits(text, end, 2, 2);
  if (mi < 0 || mi > 59) return NaN;
  let s = 0;
  if (pos < end && text.charCodeAt(pos) === COLON) {
    pos++;
    s = digits(text, end, 2, 2);
    if (s < 0 || s > 59) return NaN;
    const f = text.charCodeAt(pos);
    if (pos < end && (f === DOT || f === COMMA)) {
      pos++;
      let scale = 100;
      let n = 0;
      while (pos < end) {
        const dd = text.charCodeAt(pos) - ZERO;
        if (dd < 0 || dd > 9) break;
        ms += dd * scale;
        scale /= 10;
        n++;
        pos++;
      }
      if (n === 0) return NaN;
    }
  }
  // AM / PM, after an optional space.
  let p = pos;
  if (p < end && text.charCodeAt(p) === SPACE) p++;
  const a0 = text.charCodeAt(p) | 0x20;
  if (p + 1 < end && (a0 === 97 || a0 === 112) && (text.charCodeAt(p + 1) | 0x20) === 109) {
    if (h < 1 || h > 12) return NaN;
    h = (h % 12) + (a0 === 112 ? 12 : 0);
    pos = p + 2;
  }
  if (h > 23) return NaN;
  ms += ((h * 60 + mi) * 60 + s) * 1000;
  if (pos === end) return ms;

  // Zone: Z, or +HH[:MM] / -HHMM after an optional space.
  if (text.charCodeAt(pos) === SPACE) pos++;
  const z = text.charCodeAt(pos);
  if ((z === 90 || z === 122) && pos + 1 === end) return ms; // 'Z' / 'z'
  if (z !== 43 && z !== 45) return NaN; // '+' / '-'
  pos++;
  const oh = digits(text, end, 2, 2);
  if (oh < 0 || oh > 14) return NaN;
  let om = 0;
  if (pos < end) {
    if (text.charCodeAt(pos) === COLON) pos++;
    om = digits(text, end, 2, 2);
    if (om < 0 || om > 59) return NaN;
  }
  if (pos !== end) return NaN;
  const offset = (oh * 60 + om) * 60_000;
  return z === 43 ? ms - offset : ms + offset;
}

/** Convenience for tests and inference. */
export function parseDateString(value: string, fmt: DateFormat): number {
  return parseDate(value, 0, value.length, fmt);
}

/** Every date format the reader considers, in order of preference. */
export const DATE_FORMATS: readonly DateFormat[] = [
  { order: 'ymd', sep: '-' },
  { order: 'ymd', sep: '/' },
  { order: 'ymd', sep: '.' },
  { order: 'dmy', sep: '.' },
  { order: 'dmy', sep: '/' },
  { order: 'mdy', sep: '/' },
  { order: 'dmy', sep: '-' },
  { order: 'mdy', sep: '-' },
];

/** How a format is written, for notes: `YYYY-MM-DD`, `DD/MM/YYYY`... */
export function describeDateFormat(fmt: DateFormat): string {
  const parts = { ymd: ['YYYY', 'MM', 'DD'], dmy: ['DD', 'MM', 'YYYY'], mdy: ['MM', 'DD', 'YYYY'] }[
    fmt.order
  ];
  return parts.join(fmt.sep);
}
