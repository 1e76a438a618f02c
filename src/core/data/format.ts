// Turns Arrow cell values into plain display values that can cross postMessage: bigint to number
// (or string beyond 2^53), Date/epoch-ms stays a number for the UI to format, null stays null.

export type Cell = string | number | boolean | null;

export function formatCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.getTime();
  return String(value);
}
