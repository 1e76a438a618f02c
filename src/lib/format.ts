// Display formatting for the UI: numbers, dates (schema kind 'date' holds epoch ms), byte sizes and
// import progress text. Pure functions with a fixed locale, so the UI and its tests agree.
import type { ColumnKind } from '../core/data/schema';
import type { Cell } from '../core/data/format';

const LOCALE = 'en-US';
const intFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** A count with thousands separators: 1461 -> "1,461". */
export function formatCount(n: number): string {
  return intFormat.format(n);
}

/**
 * A statistic, readable at a glance: integers keep every digit, other values keep about five
 * significant digits, and very large or very small magnitudes switch to exponent notation.
 */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const abs = Math.abs(x);
  if (Number.isInteger(x) && abs < 1e15) return intFormat.format(x);
  if (abs >= 1e9 || abs < 1e-4) return x.toExponential(3);
  const digits = abs >= 1000 ? 1 : abs >= 1 ? 4 - Math.floor(Math.log10(abs)) : 8;
  return fractionFormat(digits).format(abs >= 1 ? x : Number(x.toPrecision(4)));
}

// Building an Intl formatter costs far more than using one (tens of µs in Chromium), and a profile
// view formats thousands of values (every histogram bar's tooltip): build each one once.
const fractionFormats = new Map<number, Intl.NumberFormat>();
function fractionFormat(digits: number): Intl.NumberFormat {
  let f = fractionFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: digits });
    fractionFormats.set(digits, f);
  }
  return f;
}

/** Epoch ms as an ISO date, with the time only when it is not midnight UTC. */
export function formatDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  const iso = d.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith('.000Z')
    ? iso.slice(0, 19).replace('T', ' ')
    : iso.replace('T', ' ').slice(0, 23);
}

/** A duration in ms (the std of a date column) in the largest unit that keeps it readable. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const day = 86_400_000;
  if (Math.abs(ms) >= day) return `${formatNumber(Number((ms / day).toFixed(1)))} days`;
  if (Math.abs(ms) >= 3_600_000) return `${formatNumber(Number((ms / 3_600_000).toFixed(1)))} h`;
  if (Math.abs(ms) >= 1000) return `${formatNumber(Number((ms / 1000).toFixed(1)))} s`;
  return `${formatNumber(Number(ms.toFixed(0)))} ms`;
}

/** A statistic of a column in the column's own terms (dates as ISO dates). */
export function formatStat(kind: ColumnKind, x: number | null | undefined): string {
  return kind === 'date' ? formatDate(x) : formatNumber(x);
}

/** A byte size in binary units: 48219 -> "47.1 KB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${formatCount(v)} ${v === 1 ? 'byte' : 'bytes'}`;
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** A percentage of a whole, never rounding a non-zero share down to "0%". */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (part / whole) * 100;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  if (p > 99.9 && part < whole) return '>99.9%';
  return `${p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

// Date#toLocaleString with options builds a new formatter on every call; keep one (the user's
// locale, created on first use).
let createdFormat: Intl.DateTimeFormat | undefined;

/** A timestamp as the user's local date and time, for "created" columns. */
export function formatCreated(ms: number): string {
  createdFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return createdFormat.format(ms);
}

/** One preview cell as text. null means missing (the table dims it); dates become ISO dates. */
export function formatCell(kind: ColumnKind | undefined, value: Cell): string | null {
  if (value === null) return null;
  if (kind === 'date' && typeof value === 'number') return formatDate(value);
  if (typeof value === 'number') return formatPlainNumber(value);
  return String(value);
}

/**
 * A stored number as it was most likely written. Float32 columns (Arrow / Parquet files) hold
 * values like 23.983333 as 23.9833335876…; the shortest decimal that maps to the same float32 is
 * what the writer meant. Other values keep 15 significant digits, which hides only float64 noise.
 */
export function formatPlainNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  if (Math.fround(value) === value) {
    for (let p = 1; p <= 9; p++) {
      const short = Number(value.toPrecision(p));
      if (Math.fround(short) === value) return String(short);
    }
  }
  return String(Number(value.toPrecision(15)));
}

export type ImportPhase = 'starting' | 'reading' | 'parsing' | 'building' | 'profiling' | 'storing';

const PHASE_LABEL: Record<ImportPhase, string> = {
  starting: 'Starting',
  reading: 'Reading',
  parsing: 'Parsing',
  building: 'Building columns',
  profiling: 'Profiling',
  storing: 'Storing',
};

/** "Parsing 12 / 48 MB", "Profiling 200,000 rows": what the import is doing, in people's units. */
export function phaseText(phase: ImportPhase, done: number, total: number): string {
  const label = PHASE_LABEL[phase];
  if (phase === 'starting') return `${label}…`;
  if (phase === 'reading' || phase === 'parsing' || phase === 'storing') {
    if (total <= 0) return `${label}…`;
    const mb = (n: number) =>
      total >= 10 * 1024 * 1024 ? (n / 1048576).toFixed(0) : (n / 1048576).toFixed(1);
    return `${label} ${mb(Math.min(done, total))} / ${mb(total)} MB`;
  }
  return total > 0 ? `${label} ${formatCount(total)} rows` : `${label}…`;
}

// Share of the whole import each phase takes, so one bar moves forward through all of them.
const PHASE_SPAN: Record<ImportPhase, [number, number]> = {
  starting: [0, 0],
  reading: [0, 0.8],
  parsing: [0, 0.8],
  building: [0.8, 0.85],
  profiling: [0.85, 0.9],
  storing: [0.9, 1],
};

/** Overall progress 0..1 from the phase and how far it is. */
export function overallProgress(phase: ImportPhase, done: number, total: number): number {
  const [a, b] = PHASE_SPAN[phase];
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  return a + (b - a) * f;
}
