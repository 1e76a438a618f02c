// Dataset storage over the Dexie schema: the DatasetStore the data worker hands to the core data
// API (metadata + Arrow IPC bytes in one transaction, all or nothing), and the small reads and
// writes the UI makes directly (list summaries, one dataset, rename, delete, storage used).
import type { DatasetMeta, DatasetStore } from '../core/api/data-api';
import { BenchtopError, toBenchtopError } from '../core/errors';
import { restoreDataset, type BenchtopDB } from './schema';
import { deleteRowWithBytes, estimateStorage, formatBytes, putRowWithBytes } from './storage';

// Re-exported: callers (and src/db/index.ts) have always found them here.
export { estimateStorage, formatBytes, isQuotaError } from './storage';

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

/** The DatasetStore the core data API writes through (in the data worker). */
export function createDexieDatasetStore(db: BenchtopDB): DatasetStore {
  return {
    async putDataset(meta: DatasetMeta, ipc: Uint8Array): Promise<void> {
      await putRowWithBytes(db, db.datasets, db.datasetBytes, meta, ipc, {
        quota: (neededBytes) => quotaError(meta.name, neededBytes),
        failure: `Could not store "${meta.name}" in the browser's storage`,
      });
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
  await deleteRowWithBytes(db, db.datasets, db.datasetBytes, id, 'Could not delete the dataset');
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
