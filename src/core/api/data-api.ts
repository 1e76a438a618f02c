// The data API behind the data worker: import a file (ingest -> profile -> Arrow IPC bytes ->
// store, all or nothing), page rows for the preview, cancel. Storage is injected (src/db in the
// browser, a fake in tests), so this file stays pure and the same body runs in-process and
// through comlink.
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { BenchtopError, toBenchtopError } from '../errors';
import { ingest } from '../ingest/index';
import type {
  ByteSource,
  FileFormat,
  IngestOptions,
  IngestProgress,
  IngestReport,
} from '../ingest/types';
import type { ColumnSchema } from '../data/schema';
import type { DatasetProfile } from '../data/profile-types';
import { profileTable } from '../data/profile';
import { formatCell, type Cell } from '../data/format';
import { recastColumn } from '../data/recast';
import type { ColumnKind } from '../data/schema';
import { yieldToEventLoop } from './stored-dataset';

export interface DatasetMeta {
  id: string;
  name: string;
  createdAt: number;
  source: { name: string; size: number; sha256: string; format: FileFormat };
  rows: number;
  cols: number;
  schema: ColumnSchema[];
  profile: DatasetProfile;
  report: IngestReport;
  /** Size of the stored Arrow IPC bytes. */
  storedBytes: number;
}

/** What the data API needs from storage. `putDataset` writes metadata and bytes in one transaction. */
export interface DatasetStore {
  putDataset(meta: DatasetMeta, ipc: Uint8Array): Promise<void>;
  getDataset(id: string): Promise<DatasetMeta | undefined>;
  getDatasetBytes(id: string): Promise<Uint8Array | undefined>;
}

export interface RowPage {
  start: number;
  columns: string[];
  rows: Cell[][];
}

export type ImportOptions = Omit<IngestOptions, 'onProgress' | 'isCancelled'> & { name?: string };

export interface DataApiDeps {
  store: DatasetStore;
  now: () => number;
  newId: () => string;
}

/** Wraps a source so every chunk also feeds an incremental SHA-256 of the file (first pass only). */
function hashingSource(source: ByteSource): { source: ByteSource; digest: () => string } {
  let hasher = sha256.create();
  let hashed = 0;
  let complete = false;
  return {
    source: {
      name: source.name,
      size: source.size,
      async *chunks() {
        // A reader may restart (encoding fallback); only a full pass counts.
        hasher = sha256.create();
        hashed = 0;
        for await (const chunk of source.chunks()) {
          hasher.update(chunk);
          hashed += chunk.byteLength;
          yield chunk;
        }
        complete = hashed === source.size;
      },
    },
    digest: () => {
      if (!complete) throw new BenchtopError('internal', 'The file was not read to the end.');
      return bytesToHex(hasher.digest());
    },
  };
}

export function createDataApi(deps: DataApiDeps) {
  const cancelledJobs = new Set<string>();
  // The preview pages through one decoded table at a time; decoding IPC is zero-copy and cheap.
  let cached: { id: string; table: Table } | null = null;

  async function loadTable(id: string): Promise<Table> {
    if (cached?.id === id) return cached.table;
    const bytes = await deps.store.getDatasetBytes(id);
    if (!bytes)
      throw new BenchtopError(
        'not-found',
        `Dataset ${id} is not in this browser's storage any more.`,
      );
    const table = tableFromIPC(bytes);
    cached = { id, table };
    return table;
  }

  return {
    /** Reads, profiles and stores a file. Returns the stored metadata; stores nothing on failure. */
    async importData(
      jobId: string,
      input: ByteSource,
      options: ImportOptions = {},
      onProgress?: (p: IngestProgress) => void,
    ): Promise<DatasetMeta> {
      const isCancelled = () => cancelledJobs.has(jobId);
      const checkCancelled = async () => {
        await yieldToEventLoop();
        if (isCancelled())
          throw new BenchtopError('cancelled', 'The import was cancelled. Nothing was stored.');
      };
      try {
        const { source, digest } = hashingSource(input);
        // Read, profile and serialise in a function of its own, so the decoded table is garbage
        // by the time the IPC bytes are written: the store's structured clone then never has to
        // sit next to both the table and its bytes (peak memory).
        const read = async () => {
          const result = await ingest(source, { ...options, onProgress, isCancelled });
          await checkCancelled();
          onProgress?.({ phase: 'profiling', done: 0, total: result.table.numRows });
          const profile = profileTable(result.table, result.schema, result.report);
          await checkCancelled();
          const ipc = tableToIPC(result.table, 'file');
          await checkCancelled();
          const { schema, report } = result;
          return { ipc, rows: result.table.numRows, schema, report, profile };
        };
        const { ipc, rows, schema, report, profile } = await read();
        const meta: DatasetMeta = {
          id: deps.newId(),
          name: options.name ?? input.name.replace(/\.[^.]+$/, ''),
          createdAt: deps.now(),
          source: {
            name: input.name,
            size: input.size,
            sha256: digest(),
            format: report.format,
          },
          rows,
          cols: schema.length,
          schema,
          profile,
          report,
          storedBytes: ipc.byteLength,
        };
        onProgress?.({ phase: 'storing', done: 0, total: ipc.byteLength });
        await deps.store.putDataset(meta, ipc);
        onProgress?.({ phase: 'storing', done: ipc.byteLength, total: ipc.byteLength });
        return meta;
      } catch (err) {
        throw toBenchtopError(err, `Could not import ${input.name}`).toJSON();
      } finally {
        cancelledJobs.delete(jobId);
      }
    },

    cancel(jobId: string): void {
      cancelledJobs.add(jobId);
    },

    /** One page of rows for the virtualised preview, formatted for display. */
    async rows(id: string, start: number, count: number): Promise<RowPage> {
      try {
        const table = await loadTable(id);
        const end = Math.min(table.numRows, Math.max(0, start) + Math.max(0, count));
        const columns = table.schema.fields.map((f) => f.name);
        const vectors = columns.map((_, i) => table.getChildAt(i));
        const rows: Cell[][] = [];
        for (let r = Math.max(0, start); r < end; r++) {
          rows.push(vectors.map((v) => formatCell(v?.get(r))));
        }
        return { start, columns, rows };
      } catch (err) {
        throw toBenchtopError(err, 'Could not read rows').toJSON();
      }
    },

    /**
     * The user's type override: converts one stored column to another kind, re-profiles and
     * re-stores the dataset (same id, one transaction). Values that do not parse become missing
     * and are reported in the dataset's notes.
     */
    async setColumnKind(id: string, column: string, kind: ColumnKind): Promise<DatasetMeta> {
      try {
        const meta = await deps.store.getDataset(id);
        if (!meta)
          throw new BenchtopError(
            'not-found',
            `Dataset ${id} is not in this browser's storage any more.`,
          );
        const before = meta.schema.find((c) => c.name === column);
        const table = await loadTable(id);
        const recast = recastColumn(table, meta.schema, column, kind);
        const report: IngestReport = {
          ...meta.report,
          strayValues: { ...meta.report.strayValues },
          notes: [...meta.report.notes],
        };
        // Stray values found at ingest described the old kind; the override replaces them.
        delete report.strayValues[column];
        const rows = recast.stray.examples.map((e) => e.row + 1).join(', ');
        report.notes.push(
          `You changed '${column}' from ${before?.kind ?? 'unknown'} to ${kind}` +
            (recast.stray.count > 0
              ? `; ${recast.stray.count} value(s) did not parse as ${kind} and are now missing (rows ${rows}${recast.stray.count > recast.stray.examples.length ? ', ...' : ''}).`
              : '.'),
        );
        const ipc = tableToIPC(recast.table, 'file');
        const updated: DatasetMeta = {
          ...meta,
          schema: recast.schema,
          profile: profileTable(recast.table, recast.schema, report),
          report,
          storedBytes: ipc.byteLength,
        };
        await deps.store.putDataset(updated, ipc);
        cached = { id, table: recast.table };
        return updated;
      } catch (err) {
        throw toBenchtopError(err, `Could not change the type of '${column}'`).toJSON();
      }
    },

    /** Forgets the decoded table (after a delete or rename). */
    evict(id: string): void {
      if (cached?.id === id) cached = null;
    },
  };
}

export type DataApi = ReturnType<typeof createDataApi>;
