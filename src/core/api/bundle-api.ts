// The model-bundle API behind the train worker (issue 6; DESIGN.md §6). It runs where tfjs is:
//   exportBundle      a stored final model (+ its run's metrics, its dataset's profile and hash)
//                     -> a verified .benchtop.zip, quantized and signed on request;
//   compressionTable  size vs held-out metric for none / float16 / uint8 / pruned weights, with
//                     the guard's warnings at a user-set limit;
//   importBundle      readBundle (hashes, schema, signature, version) + a model load, then the row
//                     and the zip bytes stored in one transaction (nothing stored on failure);
//   listBundles / deleteBundle, checkColumns, predictDataset (batch predictions on a stored
//   dataset as CSV or Arrow IPC bytes) and predictRow (the one-row form).
// The signing key pair (ECDSA P-256) is made with WebCrypto on first use and kept in storage.
// Storage, tfjs, clocks, ids and the worker's transfer() are injected, so this file stays pure and
// one test body runs in-process and through comlink. Bytes leave as one owned buffer each, handed
// to `transfer` so a worker moves them rather than copying; rows never cross as objects.
import { tableToIPC } from 'apache-arrow';
import { BenchtopError, toBenchtopError } from '../errors';
import {
  findColumn,
  frameFromRows,
  isNumericColumn,
  isNumericKind,
  makeFrame,
  numericColumn,
  stringColumn,
  takeRows,
  frameToTable,
  type Frame,
  type FrameColumn,
} from '../data/frame';
import { csvByteChunks } from '../data/csv-write';
import type { ColumnKind } from '../data/schema';
import {
  QUANTIZATIONS,
  exportPublicKey,
  generateSigningKey,
  publicKeyId,
  readBundle,
  sha256Hex,
  writeBundle,
  type Bundle,
  type BundleManifest,
  type InputColumn,
  type MetricSummaryJson,
  type Quantization,
} from '../bundle';
import {
  loadPredictor,
  quotedList,
  type InputReport,
  type Prediction,
  type Predictor,
} from '../inference';
import type { ModelArtifacts, Tf } from '../models';
import {
  compressionTable,
  preparedRows,
  pruneArtifacts,
  quantizeArtifacts,
  type Variant,
} from '../compress';
import { trainFinal } from '../evaluate';
import { encodeTarget, labelMapping } from '../evaluate/labels';
import { holdout } from '../split/holdout';
import { createRng } from '../rng';
import { deflateSync } from 'fflate';
import type { JsonObject } from '../steps/types';
import type { DatasetMeta, DatasetStore } from './data-api';
import {
  frameCache,
  quietly,
  readDatasetMeta,
  yieldToEventLoop,
  type FrameCache,
} from './stored-dataset';
import type { ModelRecord, RunRecord } from './train-api';

// ---- stored shapes -----------------------------------------------------------------------------

/** How an imported bundle checked out. Only verified bundles are stored, so hashes always held. */
export interface BundleVerification {
  /** Every file listed in the manifest matched its sha256 and size (always true once stored). */
  hashesOk: boolean;
  /** Files checked (manifest.files). */
  files: number;
  /** The format the file was written in (before any migration). */
  formatVersion: number;
  signed: boolean;
  /** sha256 (hex) of the signing key's public SPKI bytes. */
  keyId: string | null;
  publicKey: JsonWebKey | null;
  /** Signed with this browser's own key. */
  ownKey: boolean;
  /** One line for people: "Verified: 12 files match their hashes; signed by key 1a2b3c4d…". */
  summary: string;
}

/** An imported bundle as stored (Dexie `bundles`; its zip bytes are in `bundleBytes`). */
export interface BundleRecord {
  id: string;
  /** manifest.model.name / version. */
  name: string;
  version: string;
  /** When it was imported here (ms). */
  createdAt: number;
  /** When it was written (manifest.created, ISO 8601). */
  created: string;
  fileName: string;
  /** Size of the zip, and its sha256 (the same file imported twice is stored once). */
  size: number;
  sha256: string;
  task: 'classification' | 'regression';
  target: string;
  labels: string[] | null;
  quantization: Quantization;
  manifest: BundleManifest;
  modelCard: string;
  verification: BundleVerification;
}

/** The browser's signing key pair (Dexie `keys`, id 'signing'). The private key never leaves. */
export interface SigningKeyRow {
  id: string;
  keys: CryptoKeyPair;
  publicKey: JsonWebKey;
  keyId: string;
  createdAt: number;
}

export interface BundleStore {
  /** The row and its zip bytes in one transaction. */
  putBundle(record: BundleRecord, bytes: Uint8Array): Promise<void>;
  getBundle(id: string): Promise<BundleRecord | undefined>;
  getBundleBytes(id: string): Promise<Uint8Array | undefined>;
  /** Newest first. */
  listBundles(): Promise<BundleRecord[]>;
  deleteBundle(id: string): Promise<void>;
}

export interface KeyStore {
  getKey(id: string): Promise<SigningKeyRow | undefined>;
  putKey(row: SigningKeyRow): Promise<void>;
}

/** Reads of the train API's storage: a final model, its weights, the run it came from. */
export interface StoredModelSource {
  getModel(id: string): Promise<ModelRecord | undefined>;
  getModelBytes(id: string): Promise<Uint8Array | undefined>;
  getRun(id: string): Promise<RunRecord | undefined>;
}

export interface BundleApiDeps {
  datasets: Pick<DatasetStore, 'getDataset' | 'getDatasetBytes'>;
  models: StoredModelSource;
  bundles: BundleStore;
  keys: KeyStore;
  /** tfjs-core with a backend active (the train worker's). */
  tf: Tf;
  /** Wall clock (ms): import times and the bundle's `created`. */
  now: () => number;
  newId: () => string;
  /** The worker's Comlink.transfer: marks buffers to move instead of copy (identity elsewhere). */
  transfer?: <T>(value: T, buffers: Transferable[]) => T;
  /** Rows per predictor call (default PREDICT_CHUNK_ROWS). */
  chunkRows?: number;
  /**
   * The decoded-frame cache to read datasets through; the train worker passes the one its train
   * API reads through (and evicts), so a dataset is decoded and held once (default: its own).
   */
  frames?: FrameCache;
}

// ---- call shapes -------------------------------------------------------------------------------

export interface ExportOptions {
  name: string;
  /** Semantic version, e.g. 1.0.0. */
  version: string;
  quantize: Quantization;
  sign: boolean;
  description?: string;
}

export interface ExportProgress {
  phase: 'loading' | 'writing' | 'signing' | 'verifying';
}

export interface ExportedBundle {
  /** The .benchtop.zip (transferred). */
  bytes: Uint8Array;
  /** `<name>-<version>.benchtop.zip`, safe as a file name. */
  fileName: string;
  size: number;
  sha256: string;
  /** Bytes of model/weights.bin inside, and of the float32 weights it came from. */
  weightBytes: number;
  float32Bytes: number;
  quantization: Quantization;
  signed: boolean;
  keyId: string | null;
  manifest: BundleManifest;
}

export interface ImportedBundle {
  record: BundleRecord;
  /** True when this very file (same sha256) was already imported: nothing new was stored. */
  duplicate: boolean;
}

export interface SigningKeyInfo {
  publicKey: JsonWebKey;
  /** base64 SPKI, the other common way to share a public key. */
  spki: string;
  keyId: string;
  createdAt: number;
}

/** How a stored dataset's columns line up with a bundle's input signature. */
export interface ColumnReport {
  datasetId: string;
  rows: number;
  /** Columns the model needs that the dataset lacks: predictions are refused. */
  missing: string[];
  /** Columns the steps read but the model does not need, absent here (fine). */
  missingOptional: string[];
  /** Dataset columns the bundle does not read (kept in the output, ignored by the model). */
  extra: string[];
  /** Columns present in another kind that convert value by value (e.g. '1','2' text -> integer). */
  converted: { column: string; expected: ColumnKind; found: ColumnKind }[];
  /** Columns whose values do not fit the kind the model expects: predictions are refused. */
  wrongType: {
    column: string;
    expected: ColumnKind;
    found: ColumnKind;
    /** First offending value and its 1-based row. */
    value: string;
    row: number;
  }[];
  /** The target column is in the data: predictions can be compared with it. */
  hasTarget: boolean;
  ok: boolean;
}

export interface PredictProgress {
  phase: 'loading' | 'checking' | 'predicting' | 'writing';
  done: number;
  total: number;
}

export interface DatasetPredictions {
  /** CSV (UTF-8) or Arrow IPC file bytes (transferred). */
  bytes: Uint8Array;
  format: 'csv' | 'arrow';
  fileName: string;
  rows: number;
  /** Output columns: the dataset's, then prediction (and proba_<class> per class). */
  columns: string[];
  columnReport: ColumnReport;
  /** What the predictor noticed (unknown categories, missing values), over every row. */
  inputReport: InputReport;
  /** Classification: rows per predicted label. */
  labelCounts: Record<string, number> | null;
  /** When the data holds the target: the share of rows predicted right (classification). */
  agreement: { rows: number; correct: number } | null;
}

export interface RowPrediction {
  prediction: Prediction;
  report: InputReport;
}

export interface CompressionOptions {
  /** Largest acceptable drop of the held-out metric, in points (default 1). */
  limit?: number;
  /** Share of each kernel the pruned variant zeroes (default 0.5). */
  sparsity?: number;
  /** Fine-tune the pruned variant for a few epochs on the training split (default true). */
  fineTune?: boolean;
  /** Lets cancelBundleJob(jobId) stop the holdout training. */
  jobId?: string;
}

export interface CompressionProgress {
  phase: 'loading' | 'splitting' | 'training' | 'scoring';
}

/** One variant: sizes of the stored final model in that form, metric of the holdout model. */
export interface CompressionReportRow {
  variant: Variant;
  /** weights.bin of the stored final model in this form, and deflated as in the zip. */
  weightBytes: number;
  zippedBytes: number;
  /** float32 bytes / weightBytes. */
  ratio: number;
  /** The held-out metric of the holdout model stored this way. */
  value: number;
  /** (float32 value - this value) x 100: points lost. Positive = worse. */
  drop: number;
  /** The guard: drop > limit. */
  flagged: boolean;
  sparsity?: number;
  fineTuned?: boolean;
}

/** The compression table (issue 6): size vs held-out metric per variant, and the guard's words. */
export interface CompressionReport {
  modelId: string;
  metric: 'accuracy' | 'r2';
  limit: number;
  /**
   * What "held-out" means here: a holdout this API computes (a seeded, stratified for classifiers,
   * 20% of the model's dataset; the recipe, sampler and model refitted on the other 80%), because
   * a stored run keeps only its out-of-fold predictions, not fold models to compress.
   */
  heldOut: {
    kind: 'holdout';
    testRows: number;
    trainRows: number;
    stratified: boolean;
    seed: number;
    description: string;
  };
  rows: CompressionReportRow[];
  warnings: string[];
}

/** Share of the model's dataset held out for the compression table. */
export const COMPRESSION_HOLDOUT = 0.2;

/** Rows per predictor call: bounds memory and lets progress and cancel through. */
export const PREDICT_CHUNK_ROWS = 20_000;
/** Predictors kept loaded (a tfjs model each). */
const PREDICTOR_CACHE = 2;
const SIGNING_KEY_ID = 'signing';

/** One buffer that holds exactly these bytes (transfer moves whole buffers). */
function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A file name from a model name: letters, digits, '.', '_' and '-' (others become '-'). */
export function bundleFileName(name: string, version: string): string {
  const safe = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '');
  return `${safe(name) || 'model'}-${safe(version) || '1.0.0'}.benchtop.zip`;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** "1a2b3c4d…": the first 16 hex digits people compare. */
export function shortKeyId(keyId: string): string {
  return `${keyId.slice(0, 16)}…`;
}

function verificationSummary(v: Omit<BundleVerification, 'summary'>): string {
  const hashes = `${plural(v.files, 'file')} match their sha256`;
  const signature = v.signed
    ? `signed by key ${shortKeyId(v.keyId ?? '')}${v.ownKey ? ' (this browser’s key)' : ' (not a key this browser made)'}`
    : 'not signed';
  return `Verified: ${hashes}; ${signature}.`;
}

function metricJson(v: number | undefined | null): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The column kinds the bundle may receive a dataset column in, and how it converts. */
function kindFamily(kind: ColumnKind): 'numeric' | 'string' {
  return isNumericKind(kind) ? 'numeric' : 'string';
}

// ---- the API -----------------------------------------------------------------------------------

export function createBundleApi(deps: BundleApiDeps) {
  const transfer = deps.transfer ?? (<T>(value: T) => value);
  const chunkRows = Math.max(1, deps.chunkRows ?? PREDICT_CHUNK_ROWS);
  const cancelledJobs = new Set<string>();
  /** bundle id -> its loaded predictor (newest last). */
  const predictors = new Map<string, Promise<{ bundle: Bundle; predictor: Predictor }>>();
  const frames = deps.frames ?? frameCache(deps.datasets, { nameReadFailures: true });

  async function loadDataset(datasetId: string): Promise<{ meta: DatasetMeta; frame: Frame }> {
    const meta = await readDatasetMeta(
      deps.datasets,
      datasetId,
      (id) => `The dataset ${id} is not in this browser's storage any more. Choose another one.`,
    );
    return { meta, frame: (await frames.frame(meta)).frame };
  }

  async function loadModel(modelId: string) {
    const record = await deps.models.getModel(modelId);
    if (!record) {
      throw new BenchtopError(
        'not-found',
        'This model is not in this browser’s storage any more (it was deleted). Train it again.',
      );
    }
    const weights = await deps.models.getModelBytes(modelId);
    if (!weights || weights.byteLength !== record.weightBytes) {
      throw new BenchtopError(
        'not-found',
        `The weights of “${record.name}” are missing from this browser's storage. Train the model again.`,
      );
    }
    const artifacts: ModelArtifacts = {
      modelJson: record.modelJson,
      weightSpecs: record.weightSpecs as unknown as ModelArtifacts['weightSpecs'],
      weightData: ownBytes(weights).slice().buffer,
    };
    return { record, artifacts };
  }

  /** The data the model was trained on: the stored dataset, checked to be the same file. */
  async function trainingData(record: ModelRecord): Promise<{ meta: DatasetMeta; frame: Frame }> {
    const meta = await deps.datasets.getDataset(record.datasetId);
    if (!meta) {
      throw new BenchtopError(
        'not-found',
        `The dataset “${record.datasetName}” this model was trained on is no longer stored. A bundle records its training data's columns, profile and fingerprint, so import that file again (or train a new model) before exporting.`,
        { dataset: record.datasetName },
      );
    }
    if (record.datasetSha256 && meta.source.sha256 && record.datasetSha256 !== meta.source.sha256) {
      throw new BenchtopError(
        'invalid-argument',
        `The dataset “${meta.name}” was replaced since this model was trained on it. Train the model again on the current data before exporting.`,
      );
    }
    return loadDataset(meta.id);
  }

  async function signingKey(create: boolean): Promise<SigningKeyRow | undefined> {
    const stored = await deps.keys.getKey(SIGNING_KEY_ID);
    if (stored || !create) return stored;
    const keys = await generateSigningKey();
    const row: SigningKeyRow = {
      id: SIGNING_KEY_ID,
      keys,
      publicKey: await exportPublicKey(keys.publicKey, 'jwk'),
      keyId: await publicKeyId(keys.publicKey),
      createdAt: deps.now(),
    };
    await deps.keys.putKey(row);
    return row;
  }

  function cvMetrics(run: RunRecord | undefined) {
    if (!run) return {};
    const summary: Record<string, MetricSummaryJson> = {};
    for (const [name, s] of Object.entries(run.metrics)) {
      summary[name] = { mean: metricJson(s.mean), std: metricJson(s.std) };
    }
    const validation = run.validation as unknown as JsonObject;
    if (run.validation.kind === 'holdout') {
      const rows = run.folds.reduce((a, f) => a + f.scoredRows, 0);
      const values: Record<string, number | null> = {};
      for (const [name, s] of Object.entries(run.metrics)) values[name] = metricJson(s.mean);
      return { cv: null, holdout: { rows, values } };
    }
    return { cv: { folds: run.folds.length, validation, summary }, holdout: null };
  }

  function forget(bundleId: string): void {
    const entry = predictors.get(bundleId);
    predictors.delete(bundleId);
    void entry?.then(
      ({ predictor }) => predictor.dispose(),
      () => undefined,
    );
  }

  function remember(bundleId: string, loaded: Promise<{ bundle: Bundle; predictor: Predictor }>) {
    predictors.set(bundleId, loaded);
    // A failed load is not kept: the next call tries again (and reports again).
    loaded.catch(() => {
      if (predictors.get(bundleId) === loaded) predictors.delete(bundleId);
    });
    while (predictors.size > PREDICTOR_CACHE) forget(predictors.keys().next().value as string);
  }

  /** The stored bundle, read (and so verified) again from its bytes, with its model loaded. */
  function predictorFor(bundleId: string): Promise<{ bundle: Bundle; predictor: Predictor }> {
    const cached = predictors.get(bundleId);
    if (cached) {
      // Most recently used goes last.
      predictors.delete(bundleId);
      predictors.set(bundleId, cached);
      return cached;
    }
    const loaded = (async () => {
      const bytes = await deps.bundles.getBundleBytes(bundleId);
      if (!bytes) {
        throw new BenchtopError(
          'not-found',
          'This bundle is not in this browser’s storage any more. Import it again.',
        );
      }
      const bundle = await readBundle(ownBytes(bytes));
      return { bundle, predictor: await loadPredictor(deps.tf, bundle) };
    })();
    remember(bundleId, loaded);
    return loaded;
  }

  /** Matches a dataset's columns to the signature by name; checks kinds value by value. */
  function columnReport(datasetId: string, frame: Frame, manifest: BundleManifest): ColumnReport {
    const signature = manifest.input.columns;
    const known = new Set(signature.map((c) => c.name));
    const report: ColumnReport = {
      datasetId,
      rows: frame.rows,
      missing: [],
      missingOptional: [],
      extra: frame.columns.map((c) => c.name).filter((n) => !known.has(n)),
      converted: [],
      wrongType: [],
      hasTarget: findColumn(frame, manifest.target.name) !== undefined,
      ok: true,
    };
    for (const s of signature) {
      if (s.role === 'target') continue;
      const c = findColumn(frame, s.name);
      if (!c) {
        (s.role === 'feature' ? report.missing : report.missingOptional).push(s.name);
        continue;
      }
      const bad = firstBadValue(c, s);
      if (bad) {
        report.wrongType.push({ column: s.name, expected: s.kind, found: c.kind, ...bad });
      } else if (c.kind !== s.kind) {
        report.converted.push({ column: s.name, expected: s.kind, found: c.kind });
      }
    }
    report.ok = report.missing.length === 0 && report.wrongType.length === 0;
    return report;
  }

  function refuse(report: ColumnReport, dataName: string): BenchtopError {
    const parts: string[] = [];
    if (report.missing.length > 0) {
      parts.push(
        `it has no column ${quotedList(report.missing)}, which the model needs (add ${report.missing.length === 1 ? 'it' : 'them'}, or rename the dataset's column to match)`,
      );
    }
    for (const w of report.wrongType.slice(0, 5)) {
      parts.push(
        `column '${w.column}' should hold ${kindWords(w.expected)}, but row ${w.row} has "${w.value}"`,
      );
    }
    if (report.wrongType.length > 5) parts.push(`${report.wrongType.length - 5} more columns`);
    return new BenchtopError(
      'invalid-argument',
      `This model cannot predict on “${dataName}”: ${parts.join('; ')}.`,
      {
        missing: report.missing.slice(0, 50),
        wrongType: report.wrongType.slice(0, 50).map((w) => w.column),
        ...(report.missing[0] || report.wrongType[0]
          ? { column: report.missing[0] ?? report.wrongType[0].column }
          : {}),
      },
    );
  }

  return {
    /**
     * Writes a bundle from a stored final model: its artifacts, fitted steps, labels and recipe,
     * the CV metrics of the run it came from, and its dataset's signature, profile and fingerprint.
     * Quantizes and signs on request; reads the result back (readBundle) before handing it out.
     */
    async exportBundle(
      modelId: string,
      options: ExportOptions,
      onProgress?: (p: ExportProgress) => unknown,
    ): Promise<ExportedBundle> {
      const progress = quietly(onProgress);
      try {
        if (!QUANTIZATIONS.includes(options.quantize)) {
          throw new BenchtopError(
            'invalid-argument',
            `There is no weight storage '${String(options.quantize)}'. Choose ${QUANTIZATIONS.join(', ')}.`,
          );
        }
        progress({ phase: 'loading' });
        const { record, artifacts } = await loadModel(modelId);
        const { meta, frame } = await trainingData(record);
        const run = record.runId ? await deps.models.getRun(record.runId) : undefined;
        const key = options.sign ? await signingKey(true) : undefined;
        await yieldToEventLoop();
        progress({ phase: options.sign ? 'signing' : 'writing' });
        const zip = await writeBundle({
          name: options.name,
          version: options.version.trim(),
          description: options.description?.trim() || null,
          created: new Date(deps.now()).toISOString(),
          task: record.task,
          target: record.target,
          labels: record.labels,
          recipe: record.recipe,
          fittedSteps: record.fittedSteps,
          features: record.features,
          modelSpec: record.model,
          artifacts,
          trainingFrame: frame,
          training: {
            rows: frame.rows,
            fittedRows: record.trainRows,
            sampler: (record.sampler as unknown as JsonObject | null) ?? null,
            iterations: record.info.iterations,
            converged: record.info.converged,
            stopReason: record.info.stopReason || null,
            backend: record.backend.name,
          },
          seed: record.recipe.seed,
          metrics: cvMetrics(run),
          source: { name: meta.source.name, sha256: meta.source.sha256 || null },
          quantization: options.quantize,
          libraries: { benchtop: '0.1.0' },
          ...(key ? { signingKey: key.keys } : {}),
        });
        progress({ phase: 'verifying' });
        const bytes = ownBytes(zip);
        const check = await readBundle(bytes);
        const weights = check.files.get('model/weights.bin')?.byteLength ?? 0;
        const out: ExportedBundle = {
          bytes,
          fileName: bundleFileName(check.manifest.model.name, check.manifest.model.version),
          size: bytes.byteLength,
          sha256: sha256Hex(bytes),
          weightBytes: weights,
          float32Bytes: record.weightBytes,
          quantization: options.quantize,
          signed: check.signature.signed,
          keyId: check.signature.keyId,
          manifest: check.manifest,
        };
        return transfer(out, [bytes.buffer]);
      } catch (err) {
        throw toBenchtopError(err, 'Could not export the bundle').toJSON();
      }
    },

    /**
     * Reads a bundle (never running anything from it): the zip, every file's hash, the manifest's
     * schema and version, the signature when present; then loads its model once to be sure it
     * predicts. Only then stores it (row + bytes in one transaction). Any failure stores nothing.
     */
    async importBundle(
      bytes: Uint8Array,
      fileName = 'bundle.benchtop.zip',
    ): Promise<ImportedBundle> {
      try {
        const own = ownBytes(bytes);
        const bundle = await readBundle(own);
        const sha256 = sha256Hex(own);
        const existing = (await deps.bundles.listBundles()).find((b) => b.sha256 === sha256);
        if (existing) return { record: existing, duplicate: true };
        const predictor = await loadPredictor(deps.tf, bundle);
        const m = bundle.manifest;
        const key = await signingKey(false);
        const base = {
          hashesOk: true,
          files: Object.keys(m.files).length,
          formatVersion: bundle.formatVersion,
          signed: bundle.signature.signed,
          keyId: bundle.signature.keyId,
          publicKey: bundle.signature.publicKey,
          ownKey:
            bundle.signature.signed && key !== undefined && key.keyId === bundle.signature.keyId,
        };
        const record: BundleRecord = {
          id: deps.newId(),
          name: m.model.name,
          version: m.model.version,
          createdAt: deps.now(),
          created: m.created,
          fileName,
          size: own.byteLength,
          sha256,
          task: m.model.task,
          target: m.target.name,
          labels: m.target.labels,
          quantization: m.quantization.dtype,
          manifest: m,
          modelCard: bundle.modelCard,
          verification: { ...base, summary: verificationSummary(base) },
        };
        try {
          await deps.bundles.putBundle(record, own);
        } catch (err) {
          predictor.dispose();
          throw err;
        }
        remember(record.id, Promise.resolve({ bundle, predictor }));
        return { record, duplicate: false };
      } catch (err) {
        throw toBenchtopError(err, 'Could not import the bundle', 'invalid-argument').toJSON();
      }
    },

    /** Imported bundles, newest first. */
    async listBundles(): Promise<BundleRecord[]> {
      try {
        return await deps.bundles.listBundles();
      } catch (err) {
        throw toBenchtopError(err, 'Could not read the imported bundles').toJSON();
      }
    },

    async deleteBundle(id: string): Promise<void> {
      try {
        forget(id);
        await deps.bundles.deleteBundle(id);
      } catch (err) {
        throw toBenchtopError(err, 'Could not delete the bundle').toJSON();
      }
    },

    /** This browser's public signing key (made on first use), to share with people who verify. */
    async signingKey(): Promise<SigningKeyInfo> {
      try {
        const row = (await signingKey(true))!;
        return {
          publicKey: row.publicKey,
          spki: await exportPublicKey(row.keys.publicKey, 'spki'),
          keyId: row.keyId,
          createdAt: row.createdAt,
        };
      } catch (err) {
        throw toBenchtopError(err, 'Could not read the signing key').toJSON();
      }
    },

    /** How a stored dataset's columns match the bundle's input signature (before predicting). */
    async checkColumns(bundleId: string, datasetId: string): Promise<ColumnReport> {
      try {
        const { bundle } = await predictorFor(bundleId);
        const { frame } = await loadDataset(datasetId);
        return columnReport(datasetId, frame, bundle.manifest);
      } catch (err) {
        throw toBenchtopError(err, 'Could not check the dataset’s columns').toJSON();
      }
    },

    /**
     * Predicts every row of a stored dataset with a stored bundle. Columns are matched by name;
     * missing or wrongly typed columns refuse the job with their names, extra ones are kept in the
     * output and ignored by the model. Returns CSV (the data's columns, then `prediction` and one
     * `proba_<class>` per class, as `benchtop predict` writes) or Arrow IPC bytes.
     */
    async predictDataset(
      jobId: string,
      bundleId: string,
      datasetId: string,
      onProgress?: (p: PredictProgress) => unknown,
      options: { format?: 'csv' | 'arrow' } = {},
    ): Promise<DatasetPredictions> {
      const progress = quietly(onProgress);
      const check = async () => {
        await yieldToEventLoop();
        if (cancelledJobs.has(jobId)) {
          throw new BenchtopError(
            'cancelled',
            'The predictions were cancelled. Nothing was saved.',
          );
        }
      };
      try {
        const format = options.format ?? 'csv';
        if (format !== 'csv' && format !== 'arrow') {
          throw new BenchtopError(
            'invalid-argument',
            `Predictions can be written as csv or arrow, not '${String(format)}'.`,
          );
        }
        progress({ phase: 'loading', done: 0, total: 0 });
        const { bundle, predictor } = await predictorFor(bundleId);
        const { meta, frame } = await loadDataset(datasetId);
        await check();
        progress({ phase: 'checking', done: 0, total: frame.rows });
        const report = columnReport(datasetId, frame, bundle.manifest);
        if (!report.ok) throw refuse(report, meta.name);
        const m = bundle.manifest;
        const labels = m.target.labels;
        const k = m.model.task === 'classification' ? (labels?.length ?? 0) : 0;
        const predictedCodes = new Int32Array(frame.rows);
        const values = new Float64Array(frame.rows);
        const probs = Array.from({ length: k }, () => new Float64Array(frame.rows));
        const merged: InputReport = {
          rows: 0,
          extraColumns: [],
          unknownCategories: [],
          missingValues: [],
        };
        const labelIndex = new Map((labels ?? []).map((l, i) => [l, i]));
        for (let start = 0; start < frame.rows || start === 0; start += chunkRows) {
          const end = Math.min(frame.rows, start + chunkRows);
          await check();
          progress({ phase: 'predicting', done: start, total: frame.rows });
          const part =
            start === 0 && end === frame.rows
              ? frame
              : takeRows(
                  frame,
                  Int32Array.from({ length: end - start }, (_, i) => start + i),
                );
          let result;
          try {
            result = await predictor.predictFrame(part);
          } catch (err) {
            throw renumber(err, start);
          }
          mergeReports(merged, result.report);
          result.predictions.forEach((p, i) => {
            if ('value' in p) values[start + i] = p.value;
            else {
              predictedCodes[start + i] = labelIndex.get(p.label) ?? -1;
              for (let c = 0; c < k; c++) probs[c][start + i] = p.probabilities[labels![c]];
            }
          });
          if (frame.rows === 0) break;
        }
        await check();
        progress({ phase: 'writing', done: frame.rows, total: frame.rows });
        const taken = new Set(frame.columns.map((c) => c.name));
        const fresh = (name: string) => {
          let out = name;
          for (let i = 2; taken.has(out); i++) out = `${name}_${i}`;
          taken.add(out);
          return out;
        };
        const added: FrameColumn[] = [];
        let labelCounts: Record<string, number> | null = null;
        let agreement: DatasetPredictions['agreement'] = null;
        if (k > 0) {
          const predicted = Array.from(predictedCodes, (c) => (c >= 0 ? labels![c] : null));
          added.push(stringColumn(fresh('prediction'), 'categorical', predicted));
          labels!.forEach((l, c) =>
            added.push(numericColumn(fresh(`proba_${l}`), 'number', probs[c])),
          );
          labelCounts = Object.fromEntries(labels!.map((l) => [l, 0]));
          for (const l of predicted) if (l !== null) labelCounts[l]++;
          const truth = findColumn(frame, m.target.name);
          if (truth) {
            let rows = 0;
            let correct = 0;
            for (let i = 0; i < frame.rows; i++) {
              const t = cellText(truth, i);
              if (t === null) continue;
              rows++;
              if (t === predicted[i]) correct++;
            }
            agreement = { rows, correct };
          }
        } else {
          added.push(numericColumn(fresh('prediction'), 'number', values));
        }
        const out = makeFrame([...frame.columns, ...added], frame.rows);
        const bytes =
          format === 'csv'
            ? concat([...csvByteChunks(out)])
            : ownBytes(tableToIPC(frameToTable(out), 'file'));
        const stem = `${meta.name}-${m.model.name}-${m.model.version}`.replace(
          /[^A-Za-z0-9._-]+/g,
          '-',
        );
        const result: DatasetPredictions = {
          bytes,
          format,
          fileName: `${stem}-predictions.${format === 'csv' ? 'csv' : 'arrow'}`,
          rows: frame.rows,
          columns: out.columns.map((c) => c.name),
          columnReport: report,
          inputReport: merged,
          labelCounts,
          agreement,
        };
        return transfer(result, [bytes.buffer]);
      } catch (err) {
        throw toBenchtopError(err, 'Could not predict', 'invalid-argument').toJSON();
      } finally {
        cancelledJobs.delete(jobId);
      }
    },

    /** One row (the form): values by column name; null or absent optional columns are missing. */
    async predictRow(bundleId: string, row: Record<string, unknown>): Promise<RowPrediction> {
      try {
        const { predictor } = await predictorFor(bundleId);
        const { predictions, report } = await predictor.predictRows([row]);
        return { prediction: predictions[0], report };
      } catch (err) {
        throw toBenchtopError(err, 'Could not predict this row', 'invalid-argument').toJSON();
      }
    },

    /**
     * The compression table of a stored final model: for none (float32) / float16 / uint8 /
     * pruned, the size of its weights as a bundle would store them, and the held-out metric of a
     * model trained the same way (recipe, sampler, model, seed) on 80% of its dataset and scored
     * on the other 20% in that form (decoded by stock tfjs), with the guard's warnings at `limit`.
     */
    async compressionTable(
      modelId: string,
      options: CompressionOptions = {},
      onProgress?: (p: CompressionProgress) => unknown,
    ): Promise<CompressionReport> {
      const progress = quietly(onProgress);
      const jobId = options.jobId;
      const isCancelled = () => jobId !== undefined && cancelledJobs.has(jobId);
      const check = async () => {
        await yieldToEventLoop();
        if (isCancelled()) {
          throw new BenchtopError('cancelled', 'The compression table was cancelled.');
        }
      };
      let final: Awaited<ReturnType<typeof trainFinal>> | null = null;
      try {
        const limit = options.limit ?? 1;
        if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) {
          throw new BenchtopError(
            'invalid-argument',
            `The limit is the largest acceptable drop in points (0 or more); ${String(limit)} is not one.`,
          );
        }
        progress({ phase: 'loading' });
        const { record, artifacts } = await loadModel(modelId);
        const { meta, frame } = await trainingData(record);
        await check();
        progress({ phase: 'splitting' });
        const seed = record.recipe.seed;
        const target = findColumn(frame, record.target);
        if (!target) {
          throw new BenchtopError(
            'invalid-argument',
            `The dataset “${meta.name}” has no column '${record.target}' (the model's target) any more.`,
            { column: record.target },
          );
        }
        let stratified = false;
        let fold: ReturnType<typeof holdout> | null = null;
        if (record.task === 'classification') {
          try {
            const mapping = labelMapping(target);
            fold = holdout(
              frame.rows,
              COMPRESSION_HOLDOUT,
              createRng(seed),
              encodeTarget(target, mapping),
              mapping.labels,
            );
            stratified = true;
          } catch (err) {
            // A class too small to appear on both sides: an unstratified holdout still scores.
            if (!(err instanceof BenchtopError) || err.code === 'internal') throw err;
          }
        }
        fold ??= holdout(frame.rows, COMPRESSION_HOLDOUT, createRng(seed));
        const train = takeRows(frame, fold.train);
        const test = takeRows(frame, fold.test);
        await check();
        progress({ phase: 'training' });
        final = await trainFinal(deps.tf, train, record.recipe, {
          ...(record.positive !== null ? { positive: record.positive } : {}),
          isCancelled,
        });
        await check();
        progress({ phase: 'scoring' });
        const heldOut = preparedRows(final, test);
        const trainRows = preparedRows(final, train);
        const sparsity = options.sparsity ?? 0.5;
        const fineTune = options.fineTune ?? true;
        const table = await compressionTable(deps.tf, final.model, heldOut, {
          limit,
          sparsity,
          calibration: trainRows,
          ...(fineTune
            ? {
                fineTune: {
                  ...trainRows,
                  ...(final.labels ? { classes: final.labels.labels.length } : {}),
                },
                fineTuneOptions: { epochs: 3, seed },
              }
            : {}),
        });
        // Sizes are those of the stored final model (what an export writes), not the holdout's.
        const forms: Record<Variant, ModelArtifacts> = {
          none: artifacts,
          float16: quantizeArtifacts(artifacts, 'float16'),
          uint8: quantizeArtifacts(artifacts, 'uint8'),
          pruned: pruneArtifacts(artifacts, sparsity).artifacts,
        };
        const float32 = artifacts.weightData.byteLength;
        const rows = table.rows.map((r): CompressionReportRow => {
          const data = new Uint8Array(forms[r.variant].weightData);
          return {
            variant: r.variant,
            weightBytes: data.byteLength,
            zippedBytes: deflateSync(data, { level: 6 }).length,
            ratio: float32 / data.byteLength,
            value: r.value,
            drop: r.drop,
            flagged: r.flagged,
            ...(r.sparsity !== undefined ? { sparsity: r.sparsity } : {}),
            ...(r.fineTuned !== undefined ? { fineTuned: r.fineTuned } : {}),
          };
        });
        return {
          modelId,
          metric: record.task === 'classification' ? 'accuracy' : 'r2',
          limit,
          heldOut: {
            kind: 'holdout',
            testRows: heldOut.rows,
            trainRows: train.rows,
            stratified,
            seed,
            description: `A${stratified ? ' stratified' : 'n'} holdout of ${plural(heldOut.rows, 'row')} (${Math.round(COMPRESSION_HOLDOUT * 100)}% of “${meta.name}”, seed ${seed}); the recipe, sampler and model were refitted on the other ${plural(train.rows, 'row')} and scored on it in each form. Sizes are the stored final model's.`,
          },
          rows,
          warnings: table.warnings,
        };
      } catch (err) {
        throw toBenchtopError(err, 'Could not compute the compression table').toJSON();
      } finally {
        final?.model.dispose();
        if (jobId !== undefined) cancelledJobs.delete(jobId);
      }
    },

    /** Asks a running prediction (or compression-table) job to stop at its next check. */
    cancelBundleJob(jobId: string): void {
      cancelledJobs.add(jobId);
    },
  };
}

export type BundleApi = ReturnType<typeof createBundleApi>;

// ---- helpers -----------------------------------------------------------------------------------

function kindWords(kind: ColumnKind): string {
  switch (kind) {
    case 'integer':
      return 'whole numbers';
    case 'number':
      return 'numbers';
    case 'boolean':
      return 'true or false';
    case 'date':
      return 'dates';
    default:
      return 'text';
  }
}

/** A cell as the text a label is compared with (numbers as written, booleans true / false). */
function cellText(c: FrameColumn, i: number): string | null {
  if (isNumericColumn(c)) {
    const v = c.values[i];
    if (v !== v) return null;
    return c.kind === 'boolean' ? (v !== 0 ? 'true' : 'false') : String(v);
  }
  const code = c.codes[i];
  return code < 0 ? null : c.categories[code];
}

/**
 * The first value of `c` that does not convert to the signature's kind, or null. Conversions are
 * the ones the predictor makes (src/core/inference): numbers <-> text value by value, through
 * frameFromRows' rules, so what this reports is exactly what predicting would refuse.
 */
function firstBadValue(c: FrameColumn, s: InputColumn): { value: string; row: number } | null {
  const want = s.kind;
  if (isNumericColumn(c)) {
    if (kindFamily(want) === 'string') return null;
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      if (v !== v) continue;
      if (
        (want === 'integer' && Number.isFinite(v) && !Number.isInteger(v)) ||
        (want === 'boolean' && v !== 0 && v !== 1)
      ) {
        return { value: String(v), row: i + 1 };
      }
    }
    return null;
  }
  if (kindFamily(want) === 'string') return null;
  const firstRow = new Int32Array(c.categories.length).fill(-1);
  for (let i = 0; i < c.codes.length; i++) {
    const code = c.codes[i];
    if (code >= 0 && firstRow[code] < 0) firstRow[code] = i;
  }
  let worst: { value: string; row: number } | null = null;
  c.categories.forEach((v, k) => {
    if (firstRow[k] < 0) return;
    try {
      frameFromRows([{ [c.name]: v }], [{ name: c.name, kind: want }]);
    } catch {
      if (!worst || firstRow[k] + 1 < worst.row) worst = { value: v, row: firstRow[k] + 1 };
    }
  });
  return worst;
}

/** Adds one chunk's input report to the running one (rows summed, values merged per column). */
function mergeReports(into: InputReport, part: InputReport): void {
  into.rows += part.rows;
  for (const c of part.extraColumns) if (!into.extraColumns.includes(c)) into.extraColumns.push(c);
  for (const u of part.unknownCategories) {
    const at = into.unknownCategories.find((x) => x.column === u.column);
    if (!at) into.unknownCategories.push({ ...u, values: [...u.values] });
    else {
      at.rows += u.rows;
      for (const v of u.values)
        if (at.values.length < 50 && !at.values.includes(v)) at.values.push(v);
    }
  }
  for (const mv of part.missingValues) {
    const at = into.missingValues.find((x) => x.column === mv.column);
    if (!at) into.missingValues.push({ ...mv });
    else at.rows += mv.rows;
  }
}

/**
 * A predictor error from a chunk starting at row `offset`, with its row number counted over the
 * whole dataset (the predictor numbers rows within the frame it was given).
 */
function renumber(err: unknown, offset: number): unknown {
  if (offset === 0 || !(err instanceof BenchtopError)) return err;
  const row = err.details.row;
  if (typeof row !== 'number') return err;
  const message = err.message.replace(
    new RegExp(`\\b([Rr]ow) ${row}\\b`),
    (_m, word: string) => `${word} ${row + offset}`,
  );
  return new BenchtopError(err.code, message, { ...err.details, row: row + offset });
}
