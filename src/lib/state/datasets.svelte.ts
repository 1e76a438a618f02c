// The app's dataset state: owns the data worker client, mirrors the stored dataset list through a
// Dexie liveQuery (so rows the worker writes show up by themselves), and runs imports, renames,
// deletes and kind overrides. Components read the $state.raw fields and call the methods; they
// never talk to the worker or IndexedDB themselves.
import { liveQuery, type Subscription } from 'dexie';
import type { DatasetMeta, RowPage } from '../../core/api/data-api';
import type { ColumnKind } from '../../core/data/schema';
import type { IngestProgress } from '../../core/ingest/types';
import {
  DEFAULT_MISSING_TEXT,
  readingOptions,
  type ReadingOptionsText,
} from '../../core/ingest/reading-options';
import { openBenchtopDb, type BenchtopDB } from '../../db/schema';
import {
  deleteDataset,
  listDatasetSummaries,
  readDataset,
  renameDataset,
  storageUsage,
  type DatasetSummary,
} from '../../db/datasets';
import { createDataClient, type DataClientHandle } from '../clients/data-client';
import { toUiError, type UiError } from '../error-message';
import { formatCount, overallProgress, phaseText, type ImportPhase } from '../format';

export interface ImportStatus {
  jobId: string;
  fileName: string;
  size: number;
  phase: ImportPhase;
  /** "Parsing 12 / 48 MB". */
  text: string;
  /** 0..1 over the whole import. */
  progress: number;
  cancelling: boolean;
}

export interface StorageUsageView {
  datasets: number;
  bytes: number;
  quota?: number;
  usage?: number;
}

export type DatasetTab = 'rows' | 'profile' | 'prepare' | 'train';

const DEMO_FILE = 'seattle-weather.csv';

function newJobId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class DatasetsState {
  /** Every stored dataset, newest first (list entries: no profiles). */
  datasets = $state.raw<DatasetSummary[]>([]);
  /** False until IndexedDB answered once (so the UI does not flash "no datasets"). */
  loaded = $state(false);
  selectedId = $state<string | null>(null);
  /** How the next CSV is read (the import panel's "Reading options"); 'auto' sniffs. */
  reading = $state<Required<ReadingOptionsText>>({
    delimiter: 'auto',
    encoding: 'auto',
    missing: DEFAULT_MISSING_TEXT,
  });
  /**
   * The selected dataset, whole. Followed by its own query, so only a change to this dataset
   * re-renders its view (not a rename or import of another one), and the list stays light.
   */
  selected = $state.raw<DatasetMeta | null>(null);
  tab = $state<DatasetTab>('profile');
  importing = $state.raw<ImportStatus | null>(null);
  /** The last failure, shown in the alert region until dismissed or replaced. */
  error = $state.raw<UiError | null>(null);
  /** A calm status line ("Imported …", "Import cancelled …"), read out politely. */
  notice = $state<string | null>(null);
  usage = $state.raw<StorageUsageView | null>(null);
  /** Column whose kind change is being applied, so its card can show that it is busy. */
  changingKind = $state.raw<{ id: string; column: string } | null>(null);

  #db: BenchtopDB | null = null;
  #client: DataClientHandle | null = null;
  #subscription: Subscription | null = null;
  #selectedSubscription: Subscription | null = null;
  #pendingProgress: IngestProgress | null = null;
  #progressFrame = 0;

  /** Opens storage and the worker and starts following the dataset list. */
  start(): void {
    if (this.#db) return;
    this.selectedId = readHashSelection();
    try {
      this.#db = openBenchtopDb();
    } catch (err) {
      this.error = toUiError(err, 'Could not open this browser’s storage');
      this.loaded = true;
      return;
    }
    const db = this.#db;
    this.#followSelected(this.selectedId);
    this.#subscription = liveQuery(() => listDatasetSummaries(db)).subscribe({
      next: (list) => {
        // Clear the selection only when its dataset was listed before and is gone now (deleted,
        // here or in another tab), or on the first answer (a stale link). A just-imported dataset
        // may be selected a moment before the list that contains it arrives.
        const id = this.selectedId;
        const wasListed = !this.loaded || this.datasets.some((d) => d.id === id);
        this.datasets = list;
        this.loaded = true;
        if (id && wasListed && !list.some((d) => d.id === id)) this.select(null);
        void this.refreshUsage(list);
      },
      error: (err) => {
        this.error = toUiError(err, 'Could not read the stored datasets');
        this.loaded = true;
      },
    });
  }

  stop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    this.#selectedSubscription?.unsubscribe();
    this.#selectedSubscription = null;
    this.#client?.terminate();
    this.#client = null;
    this.#db?.close();
    this.#db = null;
  }

  /** The worker starts on first use, so the first paint does not wait for it. */
  get #worker(): DataClientHandle {
    if (!this.#client) {
      this.#client = createDataClient((message) => {
        this.#client?.terminate();
        this.#client = null;
        this.importing = null;
        this.changingKind = null;
        this.error = {
          code: 'internal',
          message: `The data worker stopped (${message}). Nothing was stored; try again.`,
        };
      });
    }
    return this.#client;
  }

  /** The data worker, shared with the other state classes (the recipe editor). */
  get worker(): DataClientHandle {
    return this.#worker;
  }

  /** The open database (null before start() or if storage failed), for other state classes. */
  get db(): BenchtopDB | null {
    return this.#db;
  }

  select(id: string | null): void {
    this.selectedId = id;
    writeHashSelection(id);
    this.#followSelected(id);
  }

  // The view keeps showing the previous dataset until the new one is read (a few ms), rather
  // than flashing the empty state in between.
  #followSelected(id: string | null): void {
    if (id !== null && id === this.selected?.id && this.#selectedSubscription) return;
    this.#selectedSubscription?.unsubscribe();
    this.#selectedSubscription = null;
    const db = this.#db;
    if (id === null || !db) {
      this.selected = null;
      return;
    }
    this.#selectedSubscription = liveQuery(() => readDataset(db, id)).subscribe({
      next: (meta) => {
        if (this.selectedId === id) this.selected = meta ?? null;
      },
      error: (err) => {
        this.error = toUiError(err, 'Could not read the selected dataset');
      },
    });
  }

  dismissError(): void {
    this.error = null;
  }

  /** Reads, profiles and stores one file in the worker; selects it when done. */
  async importFile(file: File): Promise<void> {
    if (this.importing) {
      this.error = {
        code: 'invalid-argument',
        message: `Still importing ${this.importing.fileName}. Wait for it to finish or cancel it first.`,
      };
      return;
    }
    const jobId = newJobId();
    this.error = null;
    this.notice = null;
    this.importing = {
      jobId,
      fileName: file.name,
      size: file.size,
      phase: 'starting',
      text: phaseText('starting', 0, 0),
      progress: 0,
      cancelling: false,
    };
    const worker = this.#worker;
    try {
      const meta = await worker.api.importFile(
        jobId,
        file,
        readingOptions(this.reading),
        worker.progress((p) => this.#onProgress(jobId, p)),
      );
      this.select(meta.id);
      this.notice = `Imported ${file.name}: ${formatCount(meta.rows)} rows × ${formatCount(meta.cols)} columns.`;
    } catch (err) {
      const ui = toUiError(err, `Could not import ${file.name}`);
      if (ui.code === 'cancelled') this.notice = ui.message;
      else this.error = ui;
    } finally {
      if (this.importing?.jobId === jobId) this.importing = null;
      cancelAnimationFrame(this.#progressFrame);
      this.#pendingProgress = null;
    }
  }

  /** Imports the bundled demo dataset through the same path as any file (works offline once cached). */
  async loadDemo(): Promise<void> {
    if (this.importing) {
      this.error = {
        code: 'invalid-argument',
        message: `Still importing ${this.importing.fileName}. Wait for it to finish or cancel it first.`,
      };
      return;
    }
    let file: File;
    try {
      const res = await fetch(`${import.meta.env.BASE_URL}data/${DEMO_FILE}`);
      if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`.trim());
      file = new File([await res.blob()], DEMO_FILE, { type: 'text/csv' });
    } catch (err) {
      this.error = toUiError(err, 'Could not load the demo dataset');
      return;
    }
    await this.importFile(file);
  }

  cancelImport(): void {
    const job = this.importing;
    if (!job || job.cancelling) return;
    this.importing = { ...job, cancelling: true, text: 'Cancelling…' };
    void this.#worker.api.cancel(job.jobId);
  }

  async rename(id: string, name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.error = {
        code: 'invalid-argument',
        message: 'A dataset needs a name. Type at least one character.',
      };
      return false;
    }
    try {
      await renameDataset(this.#requireDb(), id, trimmed);
      return true;
    } catch (err) {
      this.error = toUiError(err, 'Could not rename the dataset');
      return false;
    }
  }

  async remove(id: string): Promise<void> {
    const name = this.datasets.find((d) => d.id === id)?.name ?? 'the dataset';
    try {
      await deleteDataset(this.#requireDb(), id);
      if (this.selectedId === id) this.select(null);
      this.notice = `Deleted ${name}.`;
      if (this.#client) void this.#client.api.evict(id);
    } catch (err) {
      this.error = toUiError(err, `Could not delete ${name}`);
    }
  }

  /** The user's kind override: the worker converts the stored column and re-profiles it. */
  async setColumnKind(id: string, column: string, kind: ColumnKind): Promise<void> {
    this.changingKind = { id, column };
    this.error = null;
    try {
      await this.#worker.api.setColumnKind(id, column, kind);
    } catch (err) {
      this.error = toUiError(err, `Could not change ${column} to ${kind}`);
    } finally {
      this.changingKind = null;
    }
  }

  /** One page of display rows for the preview. */
  rows(id: string, start: number, count: number): Promise<RowPage> {
    return this.#worker.api.rows(id, start, count);
  }

  async refreshUsage(listed?: readonly DatasetSummary[]): Promise<void> {
    if (!this.#db) return;
    try {
      this.usage = await storageUsage(this.#db, listed);
    } catch {
      // Usage is informational; the list itself still works without it.
      this.usage = null;
    }
  }

  #requireDb(): BenchtopDB {
    if (!this.#db) throw new Error('storage is not open');
    return this.#db;
  }

  // Progress arrives as often as the worker sends it; the bar needs at most one update a frame.
  #onProgress(jobId: string, p: IngestProgress): void {
    if (this.importing?.jobId !== jobId || this.importing.cancelling) return;
    const first = this.#pendingProgress === null;
    this.#pendingProgress = p;
    if (!first) return;
    this.#progressFrame = requestAnimationFrame(() => {
      const latest = this.#pendingProgress;
      this.#pendingProgress = null;
      const job = this.importing;
      if (!latest || job?.jobId !== jobId || job.cancelling) return;
      this.importing = {
        ...job,
        phase: latest.phase,
        text: phaseText(latest.phase, latest.done, latest.total),
        progress: Math.max(job.progress, overallProgress(latest.phase, latest.done, latest.total)),
      };
    });
  }
}

function readHashSelection(): string | null {
  const m = /^#\/datasets\/(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

function writeHashSelection(id: string | null): void {
  const hash = id ? `#/datasets/${encodeURIComponent(id)}` : '';
  if (location.hash !== hash)
    history.replaceState(null, '', hash || location.pathname + location.search);
}
