// The one Dexie schema of Benchtop (DESIGN.md §5). The UI opens it for reads and small writes; the
// data worker opens the same database to write big Arrow IPC bytes straight from the worker. Every
// read goes through a restore*() that fills defaults, so a row written by an older version loads.
import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import type { DatasetMeta } from '../core/api/data-api';
import type { ModelRecord, RunRecord } from '../core/api/train-api';
import type { BundleRecord, SigningKeyRow } from '../core/api/bundle-api';
import type { ColumnKind, ColumnSchema } from '../core/data/schema';
import { COLUMN_KINDS } from '../core/data/schema';
import type { ColumnProfile, DatasetProfile, ProfileWarning } from '../core/data/profile-types';
import type { FileFormat, IngestReport } from '../core/ingest/types';
import { BenchtopError } from '../core/errors';
import { parseRecipe, type Recipe } from '../core/recipe';
import { arr, finite as num, obj, str } from './loose';

/** Arrow IPC bytes of one dataset, kept apart from its metadata so listing never loads them. */
export interface DatasetBytesRow {
  id: string;
  bytes: Uint8Array;
}

/**
 * A saved recipe (version 2). `recipe` is the recipe's JSON as serializeRecipe / parseRecipe read
 * it; `name` is kept beside it (and indexed) so listing needs no parsing.
 */
export interface RecipeRow {
  id: string;
  datasetId: string;
  name: string;
  recipe: Recipe;
  createdAt: number;
  updatedAt: number;
}

/** Weight bytes of one stored model (weights.bin), kept apart so listing models never loads them. */
export interface ModelBytesRow {
  id: string;
  bytes: Uint8Array;
}

/** The bytes of one imported bundle (the .benchtop.zip as it was verified), apart from its row. */
export interface BundleBytesRow {
  id: string;
  bytes: Uint8Array;
}

export class BenchtopDB extends Dexie {
  datasets!: EntityTable<DatasetMeta, 'id'>;
  datasetBytes!: EntityTable<DatasetBytesRow, 'id'>;
  recipes!: EntityTable<RecipeRow, 'id'>;
  runs!: EntityTable<RunRecord, 'id'>;
  models!: EntityTable<ModelRecord, 'id'>;
  modelBytes!: EntityTable<ModelBytesRow, 'id'>;
  bundles!: EntityTable<BundleRecord, 'id'>;
  bundleBytes!: EntityTable<BundleBytesRow, 'id'>;
  keys!: EntityTable<SigningKeyRow, 'id'>;

  constructor(name = 'benchtop', options?: DexieOptions) {
    super(name, options);
    // Version 1. Only indexed fields are listed; the rest of a row is stored but not indexed.
    // Later versions add tables with `this.version(N).stores({...})`, keeping earlier ones as is
    // (runs, models and modelBytes arrived in version 3 below; still to come:
    //   audit:   '++seq, at, kind')
    // and, when a row shape changes, an .upgrade() plus a matching default in restore*() below.
    this.version(1).stores({
      datasets: 'id, createdAt, name',
      datasetBytes: 'id',
    });
    // Version 2 (issue 3): saved recipes, listed per dataset, newest first. Only adds a table, so
    // no upgrade function: the datasets of a version-1 database are kept as they are.
    this.version(2).stores({
      recipes: 'id, datasetId, name, updatedAt',
    });
    // Version 3 (issue 5): cross-validation runs and final models, listed per dataset, and the
    // models' weight bytes apart from their rows. Only adds tables: no upgrade function. Rows are
    // read through restoreRun / restoreModel (src/db/runs.ts, src/db/models.ts).
    this.version(3).stores({
      runs: 'id, datasetId, createdAt',
      models: 'id, datasetId, runId, createdAt',
      modelBytes: 'id',
    });
    // Version 4 (issue 6): imported model bundles (the verified row, listed by name and import
    // time) with their zip bytes apart, and the browser's signing key pair (CryptoKey objects are
    // structured-cloneable, so the non-extractable private key is stored without ever being read
    // out). Only adds tables: no upgrade function. Rows are read through restoreBundle
    // (src/db/bundles.ts).
    this.version(4).stores({
      bundles: 'id, name, createdAt',
      bundleBytes: 'id',
      keys: 'id',
    });
  }
}

/**
 * Opens (lazily: Dexie opens on first use) the Benchtop database. Tests pass fake-indexeddb through
 * `options` ({indexedDB, IDBKeyRange}); the browser and workers use the real IndexedDB.
 */
export function openBenchtopDb(name = 'benchtop', options?: DexieOptions): BenchtopDB {
  return new BenchtopDB(name, options);
}

// ---------------------------------------------------------------------------------------------
// Restore-on-read. Rows are data written by whichever version of the app ran at the time; these
// functions accept anything and return the current shape, never throwing on a missing field.

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
function kind(v: unknown): ColumnKind {
  return COLUMN_KINDS.includes(v as ColumnKind) ? (v as ColumnKind) : 'text';
}

const FORMATS: readonly FileFormat[] = ['csv', 'arrow', 'parquet'];

/** Old rows may lack the format; the file name's extension is the best guess we have. */
function formatFrom(v: unknown, fileName: string): FileFormat {
  if (FORMATS.includes(v as FileFormat)) return v as FileFormat;
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (['arrow', 'arrows', 'feather', 'ipc'].includes(ext)) return 'arrow';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  return 'csv';
}

function restoreColumnProfile(v: unknown): ColumnProfile {
  const c = obj(v);
  const hist = obj(c.histogram);
  return {
    name: str(c.name, ''),
    kind: kind(c.kind),
    count: num(c.count, 0),
    missing: num(c.missing, 0),
    unique: num(c.unique, 0),
    min: numOrNull(c.min),
    max: numOrNull(c.max),
    mean: numOrNull(c.mean),
    std: numOrNull(c.std),
    q1: numOrNull(c.q1),
    median: numOrNull(c.median),
    q3: numOrNull(c.q3),
    top: arr(c.top).map((t) => ({ value: str(obj(t).value, ''), count: num(obj(t).count, 0) })),
    histogram:
      Array.isArray(hist.edges) && Array.isArray(hist.counts)
        ? { edges: hist.edges.map((e) => num(e, 0)), counts: hist.counts.map((n) => num(n, 0)) }
        : null,
  };
}

function restoreProfile(v: unknown, rows: number, schema: ColumnSchema[]): DatasetProfile {
  const p = obj(v);
  const columns = Array.isArray(p.columns)
    ? p.columns.map(restoreColumnProfile)
    : // A row from before profiles were stored: one empty profile per column, so views still render.
      schema.map((s) => restoreColumnProfile({ name: s.name, kind: s.kind }));
  return {
    rows: num(p.rows, rows),
    cols: num(p.cols, columns.length),
    columns,
    warnings: arr(p.warnings).map((w): ProfileWarning => {
      const o = obj(w);
      const warning: ProfileWarning = {
        code: str(o.code, 'constant') as ProfileWarning['code'],
        message: str(o.message, ''),
      };
      if (typeof o.column === 'string') warning.column = o.column;
      if (Array.isArray(o.lines)) warning.lines = o.lines.map((n) => num(n, 0));
      return warning;
    }),
  };
}

function restoreReport(
  v: unknown,
  format: FileFormat,
  rows: number,
  columns: number,
): IngestReport {
  const r = obj(v);
  const ragged = obj(r.raggedRows);
  const report: IngestReport = {
    ...(r as Partial<IngestReport>),
    format: FORMATS.includes(r.format as FileFormat) ? (r.format as FileFormat) : format,
    rows: num(r.rows, rows),
    columns: num(r.columns, columns),
    renamedHeaders: arr(r.renamedHeaders).map((h) => ({
      from: str(obj(h).from, ''),
      to: str(obj(h).to, ''),
    })),
    raggedRows: {
      count: num(ragged.count, 0),
      lines: arr(ragged.lines).map((n) => num(n, 0)),
      expected: num(ragged.expected, columns),
      examples: arr(ragged.examples).map((e) => ({
        line: num(obj(e).line, 0),
        fields: num(obj(e).fields, 0),
      })),
    },
    strayValues: Object.fromEntries(
      Object.entries(obj(r.strayValues)).map(([name, s]) => [
        name,
        {
          count: num(obj(s).count, 0),
          examples: arr(obj(s).examples).map((e) => ({
            line: num(obj(e).line, 0),
            value: str(obj(e).value, ''),
          })),
        },
      ]),
    ),
    notes: arr(r.notes).filter((n): n is string => typeof n === 'string'),
  };
  return report;
}

/**
 * Brings a stored dataset row to the current DatasetMeta shape. Unknown extra fields are kept
 * (a newer version may have written them); missing ones get neutral defaults.
 */
export function restoreDataset(row: unknown): DatasetMeta {
  const r = obj(row);
  if (typeof r.id !== 'string' || r.id === '') {
    throw new BenchtopError(
      'internal',
      'A stored dataset record has no id and cannot be read. Clearing this site’s data in the browser settings removes it.',
    );
  }
  const source = obj(r.source);
  const sourceName = str(source.name, str(r.name, 'unknown file'));
  const schema: ColumnSchema[] = arr(r.schema).map((c) => {
    const o = obj(c);
    const col: ColumnSchema = {
      ...(o as Partial<ColumnSchema>),
      name: str(o.name, ''),
      kind: kind(o.kind),
    };
    return col;
  });
  const profileIn = obj(r.profile);
  const rows = num(r.rows, num(profileIn.rows, 0));
  // Old rows without a schema still list their columns if the profile has them.
  const schemaOut: ColumnSchema[] =
    schema.length > 0
      ? schema
      : arr(profileIn.columns).map((c) => ({
          name: str(obj(c).name, ''),
          kind: kind(obj(c).kind),
        }));
  const format = formatFrom(source.format ?? obj(r.report).format, sourceName);
  const cols = num(r.cols, schemaOut.length);
  return {
    ...(r as Partial<DatasetMeta>),
    id: r.id,
    name: str(r.name, sourceName.replace(/\.[^.]+$/, '') || 'Untitled dataset'),
    createdAt: num(r.createdAt, 0),
    source: {
      name: sourceName,
      size: num(source.size, 0),
      sha256: str(source.sha256, ''),
      format,
    },
    rows,
    cols,
    schema: schemaOut,
    profile: restoreProfile(r.profile, rows, schemaOut),
    report: restoreReport(r.report, format, rows, cols),
    storedBytes: num(r.storedBytes, 0),
  };
}

/** A saved recipe as read back: `recipe` is null when it can no longer be read, with `problem`. */
export interface StoredRecipe {
  id: string;
  datasetId: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  recipe: Recipe | null;
  /** Why the recipe cannot be used (e.g. saved by a newer version of Benchtop). */
  problem?: string;
}

/**
 * Brings a stored recipe row to the current shape. Old recipe formats are migrated by parseRecipe;
 * one that cannot be read (a newer format, a step this version does not know) is returned with
 * `recipe: null` and the reason, so the list still shows it and the user can delete or export it.
 */
export function restoreRecipe(row: unknown): StoredRecipe {
  const r = obj(row);
  if (typeof r.id !== 'string' || r.id === '') {
    throw new BenchtopError(
      'internal',
      'A stored recipe record has no id and cannot be read. Clearing this site’s data in the browser settings removes it.',
    );
  }
  const raw = obj(r.recipe);
  const updatedAt = num(r.updatedAt, num(r.createdAt, 0));
  const out: StoredRecipe = {
    id: r.id,
    datasetId: str(r.datasetId, ''),
    name: str(r.name, str(raw.name, 'Untitled recipe')),
    createdAt: num(r.createdAt, updatedAt),
    updatedAt,
    recipe: null,
  };
  try {
    out.recipe = parseRecipe(r.recipe);
  } catch (err) {
    out.problem = err instanceof Error ? err.message : String(err);
  }
  return out;
}
