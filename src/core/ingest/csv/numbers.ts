// Numbers straight from char codes, without creating a substring: the CSV reader's hot path.
// The result is always bit-identical to Number() / parseFloat() of the same (normalised) text:
// the fast path only runs when the decimal mantissa has at most 15 significant digits (so it is an
// exact double) and the power of ten is at most 22 (also exact), where one IEEE multiply or divide
// rounds correctly; anything else falls back to Number() of the normalised slice.
//
// Formats (NumberFormat in schema.ts): plain `1234.5`, decimal-comma `1234,5`, thousands-comma
// `1,234.5`, thousands-dot `1.234,5`, thousands-space `1 234,5` (also no-break and narrow no-break
// spaces, as French locales write them). Group separators must sit every three digits.
import type { NumberFormat } from '../../data/schema';

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const NBSP = 0xa0;
const NNBSP = 0x202f;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;

interface FormatCodes {
  decimal: number;
  /** Group separator char code, or -1 for none; SPACE also accepts NBSP and NNBSP. */
  group: number;
}

export const FORMAT_CODES: Record<NumberFormat, FormatCodes> = {
  plain: { decimal: DOT, group: -1 },
  'decimal-comma': { decimal: COMMA, group: -1 },
  'thousands-comma': { decimal: DOT, group: COMMA },
  'thousands-dot': { decimal: COMMA, group: DOT },
  'thousands-space': { decimal: COMMA, group: SPACE },
};

/**
 * Side facts about the last successful parse, kept in one shared object so the hot loop allocates
 * nothing: `integer` when written without a decimal point or exponent; `idLike` when the text looks
 * like a code rather than a quantity (a leading zero such as `007`, or an integer beyond 2^53 that a
 * double cannot hold exactly), which the reader treats as "not a number".
 */
export const lastNumber = { integer: false, idLike: false };

const MAX_SAFE = 9007199254740991;

/**
 * Parses `text[start, end)` (already trimmed) as a number in `fmt`. Returns NaN when the text is
 * not a number in that format (never for a valid one: NaN / Infinity words are not accepted).
 */
export function parseNumber(text: string, start: number, end: number, fmt: FormatCodes): number {
  if (fmt.group < 0) {
    const v = parseUngrouped(text, start, end, fmt.decimal);
    if (v === v || !slowNeeded) return v;
  }
  return parseGeneral(text, start, end, fmt);
}

/** Set by parseUngrouped when it gave up on a valid-looking number it cannot do exactly. */
let slowNeeded = false;

/**
 * The common case (no group separators) in one tight loop: up to 15 digits in all, a power of
 * ten within 22. Returns NaN with `slowNeeded` set when the general parser must decide.
 */
function parseUngrouped(text: string, start: number, end: number, dec: number): number {
  slowNeeded = false;
  let i = start;
  if (i >= end) return NaN;
  let c = text.charCodeAt(i);
  const negative = c === MINUS;
  if (negative || c === PLUS) i++;
  const intStart = i;
  let mant = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
  }
  const intDigits = i - intStart;
  let fracDigits = 0;
  let isInteger = true;
  if (i < end) {
    c = text.charCodeAt(i);
    if (c !== dec) {
      slowNeeded = true; // an exponent, or not a number: the general parser decides
      return NaN;
    }
    isInteger = false;
    const fracStart = ++i;
    for (; i < end; i++) {
      const d = text.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
    }
    fracDigits = i - fracStart;
    if (i < end) {
      slowNeeded = true;
      return NaN;
    }
  }
  const digits = intDigits + fracDigits;
  if (digits === 0) return NaN;
  if (digits > 15) {
    slowNeeded = true;
    return NaN;
  }
  // mant < 10^15 is exact, and so is 10^fracDigits (<= 10^15): one correctly rounded division.
  let value = fracDigits === 0 ? mant : mant / POW10[fracDigits];
  if (negative) value = -value;
  lastNumber.integer = isInteger;
  lastNumber.idLike = intDigits > 1 && text.charCodeAt(intStart) === ZERO;
  return value;
}

function parseGeneral(text: string, start: number, end: number, fmt: FormatCodes): number {
  let i = start;
  if (i >= end) return NaN;
  let c = text.charCodeAt(i);
  let negative = false;
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    i++;
  }
  const dec = fmt.decimal;
  const group = fmt.group;
  let mant = 0;
  let sig = 0; // significant digits in mant (leading zeros do not count)
  let digits = 0; // all mantissa digits
  let intDigits = 0;
  let groupRun = -1; // digits since the last group separator; -1 before the first one
  let firstIntZero = false;
  let isInteger = true;

  // Integer part, with optional group separators.
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    const d = c - ZERO;
    if (d >= 0 && d <= 9) {
      if (intDigits === 0) firstIntZero = d === 0;
      intDigits++;
      digits++;
      if (groupRun >= 0) groupRun++;
      if (mant !== 0 || d !== 0) {
        sig++;
        if (sig <= 15) mant = mant * 10 + d;
      }
      continue;
    }
    if (group >= 0 && (c === group || (group === SPACE && (c === NBSP || c === NNBSP)))) {
      // First group 1-3 digits, every later one exactly 3.
      if (groupRun < 0 ? intDigits < 1 || intDigits > 3 : groupRun !== 3) return NaN;
      groupRun = 0;
      continue;
    }
    break;
  }
  if (groupRun >= 0 && groupRun !== 3) return NaN;
  let exp10 = 0;
  if (i < end && c === dec) {
    isInteger = false;
    for (i++; i < end; i++) {
      c = text.charCodeAt(i);
      const d = c - ZERO;
      if (d < 0 || d > 9) break;
      digits++;
      if (mant !== 0 || d !== 0) {
        sig++;
        if (sig <= 15) mant = mant * 10 + d;
      }
      if (sig <= 15) exp10--;
    }
  }
  if (digits === 0) return NaN;
  let exponent = 0;
  if (i < end && (c === LOWER_E || c === UPPER_E)) {
    isInteger = false;
    i++;
    let expNegative = false;
    if (i < end) {
      c = text.charCodeAt(i);
      if (c === MINUS || c === PLUS) {
        expNegative = c === MINUS;
        i++;
      }
    }
    let expDigits = 0;
    for (; i < end; i++) {
      const d = text.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      expDigits++;
      if (exponent < 100000) exponent = exponent * 10 + d;
    }
    if (expDigits === 0) return NaN;
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return NaN;

  let value: number;
  const scale = exp10 + exponent;
  if (sig <= 15 && scale >= -22 && scale <= 22) {
    value = scale >= 0 ? mant * POW10[scale] : mant / POW10[-scale];
    if (negative) value = -value;
  } else {
    // Too many digits or too large a power of ten for one exact operation: let Number() round.
    value = Number(normalise(text, start, end, fmt));
    if (value === Infinity || value === -Infinity) return NaN; // 1e400 is not a usable value
  }
  lastNumber.integer = isInteger;
  lastNumber.idLike =
    (firstIntZero && intDigits > 1) ||
    (isInteger && value > MAX_SAFE) ||
    (isInteger && value < -MAX_SAFE);
  return value;
}

/** The text with group separators removed and a '.' decimal point, for Number(). */
function normalise(text: string, start: number, end: number, fmt: FormatCodes): string {
  if (fmt.group < 0 && fmt.decimal === DOT) return text.slice(start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === fmt.decimal) out += '.';
    else if (c === fmt.group || (fmt.group === SPACE && (c === NBSP || c === NNBSP))) continue;
    else out += text[i];
  }
  return out;
}

/** Convenience for tests and inference: parses a whole string. */
export function parseNumberString(value: string, format: NumberFormat = 'plain'): number {
  return parseNumber(value, 0, value.length, FORMAT_CODES[format]);
}
