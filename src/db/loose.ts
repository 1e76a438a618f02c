// Readers for restore-on-read (schema.ts, runs.ts, models.ts, bundles.ts): a stored row is
// whatever some version of the app wrote, so each field is taken only when it has the expected
// type, else the caller's fallback, and nothing ever throws.

export type Loose = Record<string, unknown>;

/** An object's fields, or {} for anything else (arrays included). */
export function obj(v: unknown): Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : {};
}

export function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** A number, NaN kept (an undefined metric is NaN on purpose); anything else the fallback. */
export function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** A finite number; NaN, Infinity and anything else the fallback. */
export function finite(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
