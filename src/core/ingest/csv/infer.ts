// Kind inference for one CSV column from a sample of its non-missing values (already trimmed):
// boolean, then integer / number (choosing the number format), then date, else a string kind
// (categorical or text, decided later from the whole column). A kind is chosen when at least 95%
// of the sample parses as it; the rest become stray values (stored as missing, reported with their
// lines). The reader re-checks the 95% on the whole column and re-reads it as text if it fails.
import type { NumberFormat } from '../../data/schema';
import { DATE_FORMATS, describeDateFormat, parseDateString, type DateFormat } from './dates';
import { FORMAT_CODES, lastNumber, parseNumber } from './numbers';

/** Share of a column's non-missing values that must parse as its kind. */
export const MIN_PARSED_SHARE = 0.95;

export type ValueKind = 'boolean' | 'numeric' | 'date' | 'string';

export interface Inferred {
  kind: ValueKind;
  numberFormat?: NumberFormat;
  dateFormat?: DateFormat;
  /** Something a person should know about the choice (an ambiguity that kept it as text). */
  note?: string;
}

const TRUE_WORDS = new Set(['true', 'yes', 't', 'y']);
const FALSE_WORDS = new Set(['false', 'no', 'f', 'n']);

/** true / false for a boolean word (case-insensitive), undefined otherwise. 0 / 1 are not words. */
export function parseBoolean(value: string): boolean | undefined {
  if (value.length > 5) return undefined;
  const v = value.toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

/** A number in `format` that is not a code in disguise (leading zero, beyond 2^53). */
function isNumber(value: string, format: NumberFormat): boolean {
  const x = parseNumber(value, 0, value.length, FORMAT_CODES[format]);
  return x === x && !lastNumber.idLike;
}

const NON_PLAIN: NumberFormat[] = [
  'thousands-comma',
  'decimal-comma',
  'thousands-dot',
  'thousands-space',
];

/**
 * The number format of a column, or null when it is not numeric (fewer than `minShare` of the
 * values parse in any format) or ambiguous (`1,234` alone, outside a comma-delimited file).
 */
export function chooseNumberFormat(
  values: readonly string[],
  delimiter: string,
  minShare = MIN_PARSED_SHARE,
): { format: NumberFormat | null; ambiguous?: boolean } {
  const n = values.length;
  if (n === 0) return { format: null };
  const need = Math.max(1, Math.ceil(minShare * n - 1e-9));
  let plain = 0;
  for (const v of values) if (isNumber(v, 'plain')) plain++;
  if (plain >= need) return { format: 'plain' };
  // Quick exit: a column without any separator-like character cannot be a formatted number.
  if (!values.some((v) => /[,. \u00a0\u202f]/.test(v))) return { format: null };
  const fits = new Map<NumberFormat, number>();
  for (const f of NON_PLAIN) {
    let k = 0;
    for (const v of values) if (isNumber(v, f)) k++;
    if (k >= need) fits.set(f, k);
  }
  if (fits.size === 0) return { format: null };
  const tc = fits.get('thousands-comma') ?? 0;
  const dc = fits.get('decimal-comma') ?? 0;
  const td = fits.get('thousands-dot') ?? 0;
  const ts = fits.get('thousands-space') ?? 0;
  // Space groups are only evidence when some value actually uses one.
  if (ts > Math.max(tc, td, dc)) return { format: 'thousands-space' };
  const commaDecimal = Math.max(dc, td);
  if (tc > 0 && commaDecimal > 0) {
    // Every comma is followed by three digits: `1,234` is 1234 or 1.234.
    if (tc !== commaDecimal)
      return {
        format: tc > commaDecimal ? 'thousands-comma' : td > dc ? 'thousands-dot' : 'decimal-comma',
      };
    // In a comma-delimited file a number can only hold a comma inside quotes, and people quote
    // "1,234" to keep thousands separators; elsewhere we cannot tell, so we do not guess.
    if (delimiter === ',') return { format: 'thousands-comma' };
    return { format: null, ambiguous: true };
  }
  if (tc > 0) return { format: 'thousands-comma' };
  if (td > dc) return { format: 'thousands-dot' };
  if (dc > 0) return { format: 'decimal-comma' };
  return { format: td > 0 ? 'thousands-dot' : null };
}

/** The date format most values parse in, or null; ambiguous when day-first and month-first both fit. */
export function chooseDateFormat(
  values: readonly string[],
  minShare = MIN_PARSED_SHARE,
): { format: DateFormat | null; ambiguous?: boolean; candidate?: DateFormat } {
  const n = values.length;
  if (n === 0) return { format: null };
  const need = Math.max(1, Math.ceil(minShare * n - 1e-9));
  // Cheap filter: a date has a digit first and is short.
  if (
    !values.some(
      (v) => v.length >= 8 && v.length <= 40 && v.charCodeAt(0) >= 48 && v.charCodeAt(0) <= 57,
    )
  ) {
    return { format: null };
  }
  let best: DateFormat | null = null;
  let bestFit = 0;
  const fitOf = new Map<DateFormat, number>();
  for (const f of DATE_FORMATS) {
    let k = 0;
    for (const v of values) if (parseDateString(v, f) === parseDateString(v, f)) k++;
    fitOf.set(f, k);
    if (k > bestFit) {
      bestFit = k;
      best = f;
    }
  }
  if (!best || bestFit < need) return { format: null };
  if (best.order !== 'ymd') {
    const other = DATE_FORMATS.find(
      (f) => f.sep === best.sep && f.order === (best.order === 'dmy' ? 'mdy' : 'dmy'),
    );
    if (other && fitOf.get(other) === bestFit)
      return { format: null, ambiguous: true, candidate: best };
  }
  return { format: best };
}

/** Infers the kind of a column from its sample (non-missing, trimmed values). */
export function inferKind(name: string, values: readonly string[], delimiter: string): Inferred {
  const n = values.length;
  if (n === 0) return { kind: 'string' };
  const need = Math.max(1, Math.ceil(MIN_PARSED_SHARE * n - 1e-9));
  let booleans = 0;
  for (const v of values) if (parseBoolean(v) !== undefined) booleans++;
  if (booleans >= need) return { kind: 'boolean' };

  const num = chooseNumberFormat(values, delimiter);
  if (num.format) return { kind: 'numeric', numberFormat: num.format };
  const date = chooseDateFormat(values);
  if (date.format) return { kind: 'date', dateFormat: date.format };
  if (num.ambiguous) {
    return {
      kind: 'string',
      note: `'${name}' has numbers like ${values.find((v) => v.includes(',')) ?? '1,234'} where the comma could be a decimal or a thousands separator; it was read as text. Set its type to number to read it as a number.`,
    };
  }
  if (date.ambiguous) {
    const example = values[0];
    return {
      kind: 'string',
      note: `'${name}' has dates like ${example} where the day and month could be either way round; it was read as text. Set its type to date to read them (month first for '/', else day first).`,
    };
  }
  return { kind: 'string' };
}

/** For a forced numeric kind: the best-fitting number format, plain when none fits. */
export function forcedNumberFormat(values: readonly string[], delimiter: string): NumberFormat {
  const r = chooseNumberFormat(values, delimiter, 0);
  if (r.format) return r.format;
  return r.ambiguous ? (delimiter === ',' ? 'thousands-comma' : 'decimal-comma') : 'plain';
}

/** For a forced date kind: the best-fitting date format (month first for '/', day first else). */
export function forcedDateFormat(values: readonly string[]): DateFormat {
  const r = chooseDateFormat(values, 0);
  if (r.format) return r.format;
  if (r.candidate) return { order: r.candidate.sep === '/' ? 'mdy' : 'dmy', sep: r.candidate.sep };
  return DATE_FORMATS[0];
}

export function describeNumberFormat(format: NumberFormat): string {
  switch (format) {
    case 'decimal-comma':
      return 'decimal commas (1234,5)';
    case 'thousands-comma':
      return 'thousands commas (1,234.5)';
    case 'thousands-dot':
      return 'thousands dots and decimal commas (1.234,5)';
    case 'thousands-space':
      return 'thousands spaces and decimal commas (1 234,5)';
    default:
      return 'plain numbers (1234.5)';
  }
}

export { describeDateFormat };
