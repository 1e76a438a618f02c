// The model bundles' state (issue 6): the imported bundles (followed through a Dexie liveQuery, so
// what the worker stores shows up by itself and survives a reload), the selected one, importing a
// .benchtop.zip, batch predictions on a stored dataset (column check, progress, cancel, the CSV as
// a download), the one-row form, and per stored model the export panel of the Train tab (the
// compression table first, then name / version / weights / signature, then the download). All the
// work happens in the train worker (it has tfjs); bytes come back transferred and leave the page
// through object URLs. Components read the $state.raw fields and call the methods.
import { liveQuery, type Subscription } from 'dexie';
import type {
  BundleRecord,
  ColumnReport,
  CompressionProgress,
  CompressionReport,
  ExportProgress,
  PredictProgress,
  RowPrediction,
  SigningKeyInfo,
} from '../../core/api/bundle-api';
import type { ModelRecord } from '../../core/api/train-api';
import type { Quantization } from '../../core/bundle/manifest';
import type { InputReport } from '../../core/inference/predictor';
import { listBundles } from '../../db/bundles';
import type { BenchtopDB } from '../../db/schema';
import { toUiError, type UiError } from '../error-message';
import { trainClient } from './train.svelte';

function newJobId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `bundle-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** A file the person can save: an object URL over transferred bytes, revoked when replaced. */
export interface Download {
  url: string;
  fileName: string;
  size: number;
}

function makeDownload(bytes: Uint8Array, fileName: string, type: string): Download {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  return { url, fileName, size: bytes.byteLength };
}

/** Saves a download as a person clicking a link would (the browser's own save flow). */
export function saveDownload(d: Download): void {
  const a = document.createElement('a');
  a.href = d.url;
  a.download = d.fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

export interface PredictionResult {
  datasetId: string;
  rows: number;
  columns: string[];
  labelCounts: Record<string, number> | null;
  agreement: { rows: number; correct: number } | null;
  inputReport: InputReport;
  download: Download;
}

export interface PredictJob {
  jobId: string;
  text: string;
  /** 0..1 */
  progress: number;
  cancelling: boolean;
}

const PREDICT_WORDS: Record<PredictProgress['phase'], string> = {
  loading: 'Loading the model and the data…',
  checking: 'Matching the columns…',
  predicting: 'Predicting',
  writing: 'Writing the CSV…',
};

export class BundlesState {
  bundles = $state.raw<BundleRecord[]>([]);
  loaded = $state(false);
  selectedId = $state<string | null>(null);
  importing = $state<string | null>(null);
  error = $state.raw<UiError | null>(null);
  notice = $state<string | null>(null);
  signingKey = $state.raw<SigningKeyInfo | null>(null);

  /** Batch predictions of the selected bundle. */
  datasetId = $state<string | null>(null);
  columnReport = $state.raw<ColumnReport | null>(null);
  checking = $state(false);
  predicting = $state.raw<PredictJob | null>(null);
  prediction = $state.raw<PredictionResult | null>(null);
  predictError = $state.raw<UiError | null>(null);

  /** The one-row form of the selected bundle: text of each input, by column. */
  row = $state<Record<string, string>>({});
  rowResult = $state.raw<RowPrediction | null>(null);
  rowError = $state.raw<UiError | null>(null);
  rowBusy = $state(false);

  #db: BenchtopDB | null = null;
  #subscription: Subscription | null = null;
  #users = 0;

  selected = $derived.by(
    (): BundleRecord | null => this.bundles.find((b) => b.id === this.selectedId) ?? null,
  );

  attach(db: BenchtopDB | null): void {
    this.#users++;
    if (this.#subscription || !db) return;
    this.#db = db;
    this.#subscription = liveQuery(() => listBundles(db)).subscribe({
      next: (list) => {
        // Clear the selection only when its bundle was listed before and is gone now (deleted):
        // a just-imported bundle may be selected a moment before the list that holds it arrives.
        const id = this.selectedId;
        const wasListed = this.bundles.some((b) => b.id === id);
        this.bundles = list;
        this.loaded = true;
        if (id && wasListed && !list.some((b) => b.id === id)) this.select(null);
        if (!this.selectedId && list.length > 0) this.select(list[0].id);
      },
      error: (err) => {
        this.error = toUiError(err, 'Could not read the imported bundles');
        this.loaded = true;
      },
    });
  }

  detach(): void {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users > 0) return;
    this.#subscription?.unsubscribe();
    this.#subscription = null;
  }

  get db(): BenchtopDB | null {
    return this.#db;
  }

  dismiss(): void {
    this.error = null;
    this.notice = null;
  }

  select(id: string | null): void {
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.columnReport = null;
    this.predictError = null;
    this.#setPrediction(null);
    this.row = {};
    this.rowResult = null;
    this.rowError = null;
    if (id && this.datasetId) void this.checkColumns(this.datasetId);
  }

  /** Reads and verifies a .benchtop.zip in the worker; stores it only if everything checks out. */
  async importFile(file: File): Promise<void> {
    if (this.importing) {
      this.error = {
        code: 'invalid-argument',
        message: `Still importing ${this.importing}. Wait for it to finish first.`,
      };
      return;
    }
    this.importing = file.name;
    this.error = null;
    this.notice = null;
    try {
      const handle = trainClient();
      const api = await handle.ready;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { record, duplicate } = await api.importBundle(bytes, file.name);
      this.select(record.id);
      this.notice = duplicate
        ? `${file.name} was already imported as “${record.name}” ${record.version}; nothing new was stored.`
        : `Imported “${record.name}” ${record.version}. ${record.verification.summary}`;
    } catch (err) {
      this.error = toUiError(err, `Could not import ${file.name}`);
    } finally {
      this.importing = null;
    }
  }

  async remove(id: string): Promise<void> {
    const name = this.bundles.find((b) => b.id === id)?.name ?? 'the bundle';
    try {
      const api = await trainClient().ready;
      await api.deleteBundle(id);
      this.notice = `Deleted the bundle “${name}”.`;
    } catch (err) {
      this.error = toUiError(err, `Could not delete ${name}`);
    }
  }

  async loadSigningKey(): Promise<void> {
    try {
      this.signingKey = await (await trainClient().ready).signingKey();
    } catch (err) {
      this.error = toUiError(err, 'Could not read this browser’s signing key');
    }
  }

  /** The public key as a .jwk file to share with people who verify this browser's bundles. */
  publicKeyDownload(): Download | null {
    const k = this.signingKey;
    if (!k) return null;
    const text = `${JSON.stringify({ ...k.publicKey, kid: k.keyId }, null, 2)}\n`;
    return makeDownload(
      new TextEncoder().encode(text),
      `benchtop-public-key-${k.keyId.slice(0, 12)}.jwk`,
      'application/jwk+json',
    );
  }

  // ---- batch predictions -------------------------------------------------------------------

  async checkColumns(datasetId: string | null): Promise<void> {
    this.datasetId = datasetId;
    this.columnReport = null;
    this.predictError = null;
    this.#setPrediction(null);
    const bundle = this.selected;
    if (!datasetId || !bundle) return;
    this.checking = true;
    try {
      const report = await (await trainClient().ready).checkColumns(bundle.id, datasetId);
      if (this.datasetId === datasetId && this.selectedId === bundle.id) this.columnReport = report;
    } catch (err) {
      this.predictError = toUiError(err, 'Could not check the dataset’s columns');
    } finally {
      this.checking = false;
    }
  }

  async predictDataset(): Promise<void> {
    const bundle = this.selected;
    const datasetId = this.datasetId;
    if (!bundle || !datasetId || this.predicting) return;
    const jobId = newJobId();
    const handle = trainClient();
    this.predictError = null;
    this.#setPrediction(null);
    this.predicting = { jobId, text: 'Starting…', progress: 0, cancelling: false };
    try {
      const api = await handle.ready;
      const res = await api.predictDataset(
        jobId,
        bundle.id,
        datasetId,
        handle.callback((p: PredictProgress) => this.#onPredictProgress(jobId, p)),
        { format: 'csv' },
      );
      this.columnReport = res.columnReport;
      this.#setPrediction({
        datasetId,
        rows: res.rows,
        columns: res.columns,
        labelCounts: res.labelCounts,
        agreement: res.agreement,
        inputReport: res.inputReport,
        download: makeDownload(res.bytes, res.fileName, 'text/csv'),
      });
    } catch (err) {
      const ui = toUiError(err, 'Could not predict');
      if (ui.code === 'cancelled') this.notice = ui.message;
      else this.predictError = ui;
    } finally {
      if (this.predicting?.jobId === jobId) this.predicting = null;
    }
  }

  #onPredictProgress(jobId: string, p: PredictProgress): void {
    const job = this.predicting;
    if (!job || job.jobId !== jobId || job.cancelling) return;
    const share = p.total > 0 ? p.done / p.total : 0;
    const progress =
      p.phase === 'loading'
        ? 0.02
        : p.phase === 'checking'
          ? 0.05
          : p.phase === 'writing'
            ? 0.95
            : 0.05 + 0.9 * share;
    const text =
      p.phase === 'predicting'
        ? `Predicting rows ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}…`
        : PREDICT_WORDS[p.phase];
    this.predicting = { ...job, text, progress: Math.max(job.progress, progress) };
  }

  cancelPrediction(): void {
    const job = this.predicting;
    if (!job || job.cancelling) return;
    this.predicting = { ...job, cancelling: true, text: 'Cancelling…' };
    void trainClient().ready.then((api) => api.cancelBundleJob(job.jobId));
  }

  #setPrediction(p: PredictionResult | null): void {
    if (this.prediction) URL.revokeObjectURL(this.prediction.download.url);
    this.prediction = p;
  }

  // ---- one row -----------------------------------------------------------------------------

  setRowValue(column: string, text: string): void {
    this.row = { ...this.row, [column]: text };
  }

  /**
   * Predicts the form's row: the text as typed, empty inputs as missing values. The predictor
   * reads text by the column's kind (core's frameFromRows: numbers, true / false, dates, missing
   * markers) and names the column when it cannot.
   */
  async predictRow(): Promise<void> {
    const bundle = this.selected;
    if (!bundle || this.rowBusy) return;
    const values: Record<string, string | null> = {};
    for (const c of bundle.manifest.input.columns) {
      if (c.role === 'target') continue;
      const text = (this.row[c.name] ?? '').trim();
      if (text !== '') values[c.name] = text;
      else if (c.role === 'feature') values[c.name] = null;
    }
    this.rowBusy = true;
    this.rowError = null;
    try {
      const api = await trainClient().ready;
      const result = await api.predictRow(bundle.id, values);
      if (this.selectedId === bundle.id) this.rowResult = result;
    } catch (err) {
      this.rowResult = null;
      this.rowError = toUiError(err, 'Could not predict this row');
    } finally {
      this.rowBusy = false;
    }
  }
}

let shared: BundlesState | null = null;

/** The page's one bundles state (the Models area and the drop handler share it). */
export function bundlesState(): BundlesState {
  shared ??= new BundlesState();
  return shared;
}

// ---- export (the Train tab) --------------------------------------------------------------------

export const QUANTIZE_CHOICES: { value: Quantization; label: string }[] = [
  { value: 'none', label: 'float32 (as trained)' },
  { value: 'float16', label: 'float16' },
  { value: 'uint8', label: 'uint8' },
];

/** A model name a file system accepts, from a stored model's name. */
function defaultName(model: ModelRecord): string {
  const base = `${model.datasetName}-${model.target}`;
  return base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

export class ExportState {
  readonly model: ModelRecord;
  /** The panel is open under its model in the Train tab. */
  open = $state(false);
  name = $state('');
  version = $state('1.0.0');
  quantize = $state<Quantization>('none');
  sign = $state(false);
  description = $state('');
  /** The guard's limit in points. */
  limit = $state(1);
  table = $state.raw<CompressionReport | null>(null);
  tableText = $state<string | null>(null);
  tableError = $state.raw<UiError | null>(null);
  exporting = $state<string | null>(null);
  error = $state.raw<UiError | null>(null);
  result = $state.raw<
    | (Download & { sha256: string; signed: boolean; keyId: string | null; weightBytes: number })
    | null
  >(null);

  #tableJob: string | null = null;

  constructor(model: ModelRecord) {
    this.model = model;
    this.name = defaultName(model);
  }

  /** Semantic version check before the worker is asked (the core checks it again). */
  versionProblem = $derived.by((): string | null =>
    /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(this.version.trim())
      ? null
      : 'Write the version as MAJOR.MINOR.PATCH, such as 1.0.0.',
  );

  /** Rows of the table flagged at the current limit (recomputed here: the limit is a live input). */
  flagged = $derived.by(() =>
    (this.table?.rows ?? []).filter((r) => r.drop > this.limit).map((r) => r.variant),
  );

  async computeTable(): Promise<void> {
    if (this.#tableJob) return;
    const jobId = newJobId();
    this.#tableJob = jobId;
    this.tableError = null;
    this.tableText = 'Starting…';
    const handle = trainClient();
    const words: Record<CompressionProgress['phase'], string> = {
      loading: 'Reading the model and its data…',
      splitting: 'Holding out 20% of the rows…',
      training: 'Training the same recipe on the other 80%…',
      scoring: 'Scoring float32, float16, uint8 and pruned weights…',
    };
    try {
      const api = await handle.ready;
      this.table = await api.compressionTable(
        this.model.id,
        { limit: this.limit, jobId },
        handle.callback((p: CompressionProgress) => {
          if (this.#tableJob === jobId) this.tableText = words[p.phase];
        }),
      );
    } catch (err) {
      this.tableError = toUiError(err, 'Could not compute the compression table');
    } finally {
      this.#tableJob = null;
      this.tableText = null;
    }
  }

  async export(): Promise<void> {
    if (this.exporting || this.versionProblem) return;
    const handle = trainClient();
    this.error = null;
    this.exporting = 'Starting…';
    if (this.result) URL.revokeObjectURL(this.result.url);
    this.result = null;
    const words: Record<ExportProgress['phase'], string> = {
      loading: 'Reading the model and its data…',
      writing: 'Writing the bundle…',
      signing: 'Writing and signing the bundle…',
      verifying: 'Reading the bundle back to verify it…',
    };
    try {
      const api = await handle.ready;
      const out = await api.exportBundle(
        this.model.id,
        {
          name: this.name,
          version: this.version,
          quantize: this.quantize,
          sign: this.sign,
          ...(this.description.trim() ? { description: this.description } : {}),
        },
        handle.callback((p: ExportProgress) => {
          if (this.exporting) this.exporting = words[p.phase];
        }),
      );
      const download = makeDownload(out.bytes, out.fileName, 'application/zip');
      this.result = {
        ...download,
        sha256: out.sha256,
        signed: out.signed,
        keyId: out.keyId,
        weightBytes: out.weightBytes,
      };
      saveDownload(download);
    } catch (err) {
      this.error = toUiError(err, 'Could not export the bundle');
    } finally {
      this.exporting = null;
    }
  }
}

// One export panel state per stored model for the page's lifetime (choices survive tab switches).
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, not reactive state
const exports = new Map<string, ExportState>();

export function exportStateFor(model: ModelRecord): ExportState {
  let s = exports.get(model.id);
  if (!s) {
    s = new ExportState(model);
    exports.set(model.id, s);
  }
  return s;
}
