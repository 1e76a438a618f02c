// What the worker APIs over stored datasets (prep, balance, train, bundle) share: reading a
// dataset's metadata, with a not-found error a person can act on when it was deleted meanwhile;
// its decoded Frame, kept for the next call (previews re-run on every edit, and a job may read
// the same data again); a turn of the event loop before a cancel check; and progress callbacks
// whose failures (the page went away) never fail the job they report on.
import { tableFromIPC } from 'apache-arrow';
import { frameFromTable, type Frame } from '../data/frame';
import { BenchtopError, toBenchtopError } from '../errors';
import type { DatasetMeta, DatasetStore } from './data-api';

/** The reads these APIs make of the dataset store. */
export type StoredDatasets = Pick<DatasetStore, 'getDataset' | 'getDatasetBytes'>;

/** "Dataset <id> is not in this browser's storage any more." */
export const datasetGone = (id: string): string =>
  `Dataset ${id} is not in this browser's storage any more.`;

/** A stored dataset's metadata; `not-found` (worded by `gone`) when it is no longer stored. */
export async function readDatasetMeta(
  store: StoredDatasets,
  id: string,
  gone: (id: string) => string = datasetGone,
): Promise<DatasetMeta> {
  const meta = await store.getDataset(id);
  if (!meta) throw new BenchtopError('not-found', gone(id));
  return meta;
}

export interface FrameCacheOptions {
  /** Called before another dataset is decoded (caches derived from the kept frame are stale). */
  onDecode?: () => void;
  /**
   * Turn a failure to decode the stored bytes into "Could not read the stored data of <name>"
   * (train, bundle); without it the failure reaches the caller's own context as it is.
   */
  nameReadFailures?: boolean;
}

export interface FrameCache {
  /** `meta`'s frame, decoded from its stored bytes unless it is the one kept; `key` names the data. */
  frame(meta: DatasetMeta): Promise<{ key: string; frame: Frame }>;
  /** Forgets the kept frame when it is dataset `id`'s (after a delete); true when it was. */
  evict(id: string): boolean;
  /**
   * Also calls `listener` whenever the kept frame goes (another dataset is decoded, or it is
   * evicted): the prep and balance APIs share one cache in the data worker, so one decoded copy
   * of a dataset serves both, and each drops what it derived from it.
   */
  onDrop(listener: () => void): void;
}

/**
 * Keeps the frame of the last dataset read and decodes again only when the data changes: the key
 * is the id, the stored size and the schema (a type override re-stores the same id, new kinds).
 */
export function frameCache(store: StoredDatasets, options: FrameCacheOptions = {}): FrameCache {
  let cached: { key: string; frame: Frame } | null = null;
  const listeners: (() => void)[] = [];
  const dropped = () => {
    for (const l of listeners) l();
  };
  return {
    async frame(meta) {
      const key = `${meta.id}\n${meta.storedBytes}\n${JSON.stringify(meta.schema)}`;
      if (cached?.key === key) return cached;
      const bytes = await store.getDatasetBytes(meta.id);
      if (!bytes) {
        throw new BenchtopError(
          'not-found',
          `The data of "${meta.name}" is missing from this browser's storage. Import the file again.`,
        );
      }
      cached = null; // free the previous frame before decoding the next
      options.onDecode?.();
      dropped();
      let frame: Frame;
      try {
        frame = frameFromTable(tableFromIPC(bytes), meta.schema);
      } catch (err) {
        if (!options.nameReadFailures) throw err;
        throw toBenchtopError(err, `Could not read the stored data of "${meta.name}"`);
      }
      cached = { key, frame };
      return cached;
    },
    evict(id) {
      if (!cached?.key.startsWith(`${id}\n`)) return false;
      cached = null;
      dropped();
      return true;
    },
    onDrop(listener) {
      listeners.push(listener);
    },
  };
}

/**
 * Gives the event loop one macrotask turn, so a `cancel()` message that arrived while we were
 * computing is delivered before we check for it.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A callback whose failures (the page went away) never fail the job it reports on. */
export function quietly<T>(fn: ((p: T) => unknown) | undefined): (p: T) => void {
  if (!fn) return () => undefined;
  return (p) =>
    void Promise.resolve()
      .then(() => fn(p))
      .catch(() => undefined);
}
