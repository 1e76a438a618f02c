// Writing to the browser's storage within its quota: one row and its big bytes (a dataset's Arrow
// IPC, a model's weights, a bundle's zip) written and deleted in ONE transaction, so a failed or
// over-quota write leaves nothing half-stored; recognising the quota error however the browser or
// Dexie reports it; and the sizes and free space a person reads in the message that follows.
import type { EntityTable } from 'dexie';
import { BenchtopError, toBenchtopError } from '../core/errors';
import type { BenchtopDB } from './schema';

/** "48 MB", "512 KB", "1.5 GB": sizes in messages a person reads. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${n} bytes`;
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`;
}

/**
 * True when `err` (or an error it wraps) is the browser refusing a write for lack of space.
 * Browsers and Dexie report it in several ways: a DOMException named QuotaExceededError (legacy
 * code 22), Firefox's NS_ERROR_DOM_QUOTA_REACHED, or Dexie's AbortError of the transaction whose
 * `inner` (or `cause`, or a bulk `failures` entry) is the quota error.
 */
export function isQuotaError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const e = err as {
    name?: unknown;
    code?: unknown;
    inner?: unknown;
    cause?: unknown;
    failures?: unknown;
  };
  if (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  if (e.code === 22 && typeof e.name === 'string' && e.name !== 'AbortError') return true;
  if (isQuotaError(e.inner, depth + 1) || isQuotaError(e.cause, depth + 1)) return true;
  if (Array.isArray(e.failures)) return e.failures.some((f) => isQuotaError(f, depth + 1));
  return false;
}

/** navigator.storage.estimate() where it exists (browser main thread and workers); else undefined. */
export async function estimateStorage(): Promise<{ usage?: number; quota?: number } | undefined> {
  const nav = (
    globalThis as { navigator?: { storage?: { estimate?: () => Promise<StorageEstimate> } } }
  ).navigator;
  if (typeof nav?.storage?.estimate !== 'function') return undefined;
  try {
    const { usage, quota } = await nav.storage.estimate();
    return { usage, quota };
  } catch {
    // Some browsers refuse estimate() in private windows; the caller simply has no figures.
    return undefined;
  }
}

/**
 * The over-quota error for a model or a bundle: `The browser's storage is full: <subject> needs
 * <size> (<free> is free). <advice> Nothing was stored.` (the free space only when the browser
 * gives an estimate).
 */
export async function storageFullError(
  subject: string,
  neededBytes: number,
  advice: string,
): Promise<BenchtopError> {
  const estimate = await estimateStorage();
  const free =
    estimate?.quota !== undefined && estimate.usage !== undefined
      ? ` (${formatBytes(Math.max(0, estimate.quota - estimate.usage))} is free)`
      : '';
  return new BenchtopError(
    'quota-exceeded',
    `The browser's storage is full: ${subject} needs ${formatBytes(neededBytes)}${free}. ${advice} Nothing was stored.`,
    { neededBytes },
  );
}

/**
 * Structured clone stores a view's whole underlying buffer, not just the view: a subarray of a
 * big buffer would silently store the big buffer. Copy such views down to their own bytes.
 */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
}

/** What a failed row + bytes write throws. */
export interface PutErrors {
  /** The error for a write the browser refused for lack of space; `neededBytes` is the bytes' size. */
  quota: (neededBytes: number) => Promise<BenchtopError>;
  /** The message toBenchtopError leads any other failure with. */
  failure: string;
}

/**
 * Stores `row` in `rows` and `data` under the same id in `bytesTable`, in one transaction over
 * both tables: if either write fails (quota, a bug), IndexedDB rolls both back, so no list ever
 * shows a row whose bytes are missing. `put` rather than `add`: re-storing under an id (a dataset's
 * type override) replaces the row.
 */
export async function putRowWithBytes<T extends { id: string }>(
  db: BenchtopDB,
  rows: EntityTable<T, 'id'>,
  bytesTable: EntityTable<{ id: string; bytes: Uint8Array }, 'id'>,
  row: T,
  data: Uint8Array,
  errors: PutErrors,
): Promise<void> {
  const bytes = ownBytes(data);
  try {
    await db.transaction('rw', rows, bytesTable, async () => {
      await rows.put(row);
      await bytesTable.put({ id: row.id, bytes });
    });
  } catch (err) {
    if (isQuotaError(err)) throw await errors.quota(bytes.byteLength);
    throw toBenchtopError(err, errors.failure);
  }
}

/** Deletes a row and its bytes in one transaction; a missing id is not an error. */
export async function deleteRowWithBytes(
  db: BenchtopDB,
  rows: EntityTable<{ id: string }, 'id'>,
  bytesTable: EntityTable<{ id: string; bytes: Uint8Array }, 'id'>,
  id: string,
  failure: string,
): Promise<void> {
  try {
    await db.transaction('rw', rows, bytesTable, async () => {
      await rows.delete(id);
      await bytesTable.delete(id);
    });
  } catch (err) {
    throw toBenchtopError(err, failure);
  }
}
