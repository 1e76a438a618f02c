// Dataset storage over the Dexie schema: the DatasetStore the data worker hands to the core data
// API (metadata + Arrow IPC bytes in one transaction, all or nothing), and the small reads and
// writes the UI makes directly (list summaries, one dataset, rename, delete, storage used).
import type { DatasetMeta, DatasetStore } from '../core/api/data-api';
import { BenchtopError, toBenchtopError } from '../core/errors';
import { restoreDataset, type BenchtopDB } from './schema';

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

async function quotaError(name: string, neededBytes: number): Promise<BenchtopError> {
  const estimate = await estimateStorage();
  const free =
    estimate?.quota !== undefined && estimate.usage !== undefined
      ? ` (${formatBytes(Math.max(0, estimate.quota - estimate.usage))} of this site's ${formatBytes(estimate.quota)} quota is free)`
      : '';
  return new BenchtopError(
    'quota-exceeded',
    `The browser's storage is full: "${name}" needs ${formatBytes(neededBytes)}${free}. ` +
      'Delete datasets you no longer need, or free disk space on this device, and try again. ' +
      'Nothing was stored.',
    { neededBytes, usage: estimate?.usage, quota: estimate?.quota },
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

/** The DatasetStore the core data API writes through (in the data worker). */
export function createDexieDatasetStore(db: BenchtopDB): DatasetStore {
  return {
    async putDataset(meta: DatasetMeta, ipc: Uint8Array): Promise<void> {
      const bytes = ownBytes(ipc);
      try {
        // One transaction over both tables: if either write fails (quota, a bug), IndexedDB rolls
        // both back, so the list never shows a dataset whose bytes are missing. `put` rather than
        // `add`: a type override re-stores the same dataset under its id.
        await db.transaction('rw', db.datasets, db.datasetBytes, async () => {
          await db.datasets.put(meta);
          await db.datasetBytes.put({ id: meta.id, bytes });
        });
      } catch (err) {
        if (isQuotaError(err)) throw await quotaError(meta.name, bytes.byteLength);
        throw toBenchtopError(err, `Could not store "${meta.name}" in the browser's storage`);
      }
    },

    async getDataset(id: string): Promise<DatasetMeta | undefined> {
      const row: unknown = await db.datasets.get(id);
      return row === undefined ? undefined : restoreDataset(row);
    },

    async getDatasetBytes(id: string): Promise<Uint8Array | undefined> {
      const row = await db.datasetBytes.get(id);
      return row?.bytes;
    },
  };
}

/** Every stored dataset, newest first. */
export async function listDatasets(db: BenchtopDB): Promise<DatasetMeta[]> {
  // Sorted here rather than with orderBy('createdAt'): an index skips rows that lack the field,
  // and restore-on-read promises that old rows still show up.
  const rows: unknown[] = await db.datasets.toArray();
  return rows.map(restoreDataset).sort(newestFirst);
}

function newestFirst(a: DatasetSummary, b: DatasetSummary): number {
  return b.createdAt - a.createdAt || a.name.localeCompare(b.name);
}

/**
 * What the dataset list shows about a dataset: no schema, profile or report. A dataset written by
 * applying a recipe also says where it came from (its lineage, cut to names).
 */
export type DatasetSummary = Pick<
  DatasetMeta,
  'id' | 'name' | 'createdAt' | 'source' | 'rows' | 'cols' | 'storedBytes'
> & { preparedFrom?: { dataset: string; recipe: string | null } };

/**
 * A stored row as a list entry: the same values `restoreDataset` gives those fields, without
 * restoring the profile (a histogram and top values per column) or the ingest report, which only
 * the selected dataset's view needs. The list is re-read on every change to any dataset, on the
 * main thread, so it should cost little however wide the datasets are.
 */
export function restoreDatasetSummary(row: unknown): DatasetSummary {
  const r = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
  const profile =
    typeof r.profile === 'object' && r.profile !== null
      ? (r.profile as { rows?: unknown; columns?: unknown })
      : {};
  const report = typeof r.report === 'object' && r.report !== null ? r.report : {};
  // restoreDataset reads the row count, the column count (old rows without a schema) and the
  // format from the profile and report when the row lacks them: keep just those parts.
  const meta = restoreDataset({
    ...r,
    profile: {
      rows: profile.rows,
      columns: Array.isArray(profile.columns)
        ? profile.columns.map((c: unknown) => {
            const o = typeof c === 'object' && c !== null ? (c as Record<string, unknown>) : {};
            return { name: o.name, kind: o.kind };
          })
        : undefined,
    },
    report: { format: (report as { format?: unknown }).format },
  });
  const { id, name, createdAt, source, rows, cols, storedBytes } = meta;
  const summary: DatasetSummary = { id, name, createdAt, source, rows, cols, storedBytes };
  const lineage = r.lineage as { fromName?: unknown; recipe?: { name?: unknown } } | undefined;
  if (typeof lineage === 'object' && lineage !== null && typeof lineage.fromName === 'string') {
    const recipe = lineage.recipe?.name;
    summary.preparedFrom = {
      dataset: lineage.fromName,
      recipe: typeof recipe === 'string' ? recipe : null,
    };
  }
  return summary;
}

/** One stored dataset, whole (schema, profile, report), or undefined when it is not stored. */
export async function readDataset(db: BenchtopDB, id: string): Promise<DatasetMeta | undefined> {
  const row: unknown = await db.datasets.get(id);
  return row === undefined ? undefined : restoreDataset(row);
}

/** Every stored dataset as a list entry (see restoreDatasetSummary), newest first. */
export async function listDatasetSummaries(db: BenchtopDB): Promise<DatasetSummary[]> {
  const rows: unknown[] = await db.datasets.toArray();
  return rows.map(restoreDatasetSummary).sort(newestFirst);
}

export const MAX_NAME_LENGTH = 200;

/** Renames a dataset. The name is trimmed; an empty or over-long name is refused. */
export async function renameDataset(db: BenchtopDB, id: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (trimmed === '') {
    throw new BenchtopError(
      'invalid-argument',
      'A dataset needs a name: type at least one character.',
    );
  }
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new BenchtopError(
      'invalid-argument',
      `That name is ${trimmed.length} characters long; keep it to ${MAX_NAME_LENGTH} or fewer.`,
      { length: trimmed.length, max: MAX_NAME_LENGTH },
    );
  }
  let updated: number;
  try {
    updated = await db.datasets.update(id, { name: trimmed });
  } catch (err) {
    throw toBenchtopError(err, 'Could not rename the dataset');
  }
  if (updated === 0) {
    throw new BenchtopError(
      'not-found',
      'That dataset is no longer stored in this browser; it may have been deleted in another tab.',
      { id },
    );
  }
}

/** Deletes a dataset's metadata and bytes together. Deleting a missing dataset is not an error. */
export async function deleteDataset(db: BenchtopDB, id: string): Promise<void> {
  try {
    await db.transaction('rw', db.datasets, db.datasetBytes, async () => {
      await db.datasets.delete(id);
      await db.datasetBytes.delete(id);
    });
  } catch (err) {
    throw toBenchtopError(err, 'Could not delete the dataset');
  }
}

export interface StorageUsage {
  /** Number of stored datasets. */
  datasets: number;
  /** Sum of their Arrow IPC sizes. */
  bytes: number;
  /** From navigator.storage.estimate(), when the browser offers it: the whole site's figures. */
  quota?: number;
  usage?: number;
}

/**
 * Storage used by datasets, with the browser's estimate. Pass `listed` (the summaries the caller
 * just read) to skip reading every row again.
 */
export async function storageUsage(
  db: BenchtopDB,
  listed?: readonly Pick<DatasetSummary, 'storedBytes'>[],
): Promise<StorageUsage> {
  let datasets = 0;
  let bytes = 0;
  if (listed) {
    datasets = listed.length;
    for (const d of listed) bytes += d.storedBytes;
  } else {
    await db.datasets.each((row: unknown) => {
      datasets++;
      bytes += restoreDatasetSummary(row).storedBytes;
    });
  }
  const estimate = await estimateStorage();
  const out: StorageUsage = { datasets, bytes };
  if (estimate?.quota !== undefined) out.quota = estimate.quota;
  if (estimate?.usage !== undefined) out.usage = estimate.usage;
  return out;
}
