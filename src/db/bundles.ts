// Imported model bundles and the signing key over the Dexie schema (version 4): the BundleStore
// and KeyStore the bundle API writes through in the train worker (a bundle's row and its zip bytes
// in ONE transaction, so a failed or over-quota import leaves nothing), the StoredModelSource it
// reads final models and runs from, the reads the UI makes (newest first, through liveQuery), and
// restore-on-read, which fills defaults and never throws.
import type {
  BundleRecord,
  BundleStore,
  BundleVerification,
  KeyStore,
  SigningKeyRow,
  StoredModelSource,
} from '../core/api/bundle-api';
import type { BundleManifest, Quantization } from '../core/bundle/manifest';
import { toBenchtopError } from '../core/errors';
import { getModelBytes, restoreModel } from './models';
import { getRun } from './runs';
import { finite as num, obj, str } from './loose';
import type { BenchtopDB } from './schema';
import { deleteRowWithBytes, putRowWithBytes, storageFullError } from './storage';

const QUANTIZATIONS: readonly Quantization[] = ['none', 'float16', 'uint8'];

function restoreVerification(v: unknown): BundleVerification {
  const o = obj(v);
  const signed = o.signed === true;
  return {
    // Only verified bundles are ever stored; a row without the flag was verified too.
    hashesOk: o.hashesOk !== false,
    files: num(o.files, 0),
    formatVersion: num(o.formatVersion, 1),
    signed,
    keyId: signed && typeof o.keyId === 'string' ? o.keyId : null,
    publicKey:
      signed && typeof o.publicKey === 'object' && o.publicKey !== null
        ? (o.publicKey as JsonWebKey)
        : null,
    ownKey: signed && o.ownKey === true,
    summary: str(o.summary, signed ? 'Verified; signed.' : 'Verified; not signed.'),
  };
}

/**
 * A stored bundle in the current shape. The manifest was schema-checked when the bundle was
 * imported; the summary fields are re-derived from it when a row lacks them.
 */
export function restoreBundle(row: unknown): BundleRecord {
  const r = obj(row);
  const manifest = obj(r.manifest) as unknown as BundleManifest;
  const model = obj(manifest.model);
  const target = obj(manifest.target);
  const labels = Array.isArray(r.labels)
    ? r.labels
    : Array.isArray(target.labels)
      ? target.labels
      : null;
  const quantization = (r.quantization ?? obj(manifest.quantization).dtype) as Quantization;
  const task = r.task ?? model.task;
  return {
    id: str(r.id, ''),
    name: str(r.name, str(model.name, 'Untitled model')),
    version: str(r.version, str(model.version, '0.0.0')),
    createdAt: num(r.createdAt, 0),
    created: str(r.created, str(manifest.created, '')),
    fileName: str(r.fileName, 'bundle.benchtop.zip'),
    size: num(r.size, 0),
    sha256: str(r.sha256, ''),
    task: task === 'regression' ? 'regression' : 'classification',
    target: str(r.target, str(target.name, '')),
    labels: labels ? labels.map((l) => String(l)) : null,
    quantization: QUANTIZATIONS.includes(quantization) ? quantization : 'none',
    manifest,
    modelCard: str(r.modelCard, ''),
    verification: restoreVerification(r.verification),
  };
}

/** Imported bundles, newest first. */
export async function listBundles(db: BenchtopDB): Promise<BundleRecord[]> {
  const rows: unknown[] = await db.bundles.toArray();
  return rows
    .map(restoreBundle)
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

/** Deletes a bundle's row and bytes together. Deleting a missing bundle is not an error. */
export async function deleteBundle(db: BenchtopDB, id: string): Promise<void> {
  await deleteRowWithBytes(db, db.bundles, db.bundleBytes, id, 'Could not delete the bundle');
}

/** The BundleStore the core bundle API writes through (in the train worker). */
export function createDexieBundleStore(db: BenchtopDB): BundleStore {
  return {
    async putBundle(record: BundleRecord, zip: Uint8Array): Promise<void> {
      await putRowWithBytes(db, db.bundles, db.bundleBytes, record, zip, {
        quota: (neededBytes) =>
          storageFullError(
            `the bundle "${record.name}"`,
            neededBytes,
            'Delete datasets, models or bundles you no longer need, or free disk space, and import it again.',
          ),
        failure: `Could not store the bundle "${record.name}"`,
      });
    },
    async getBundle(id) {
      const row: unknown = await db.bundles.get(id);
      return row === undefined ? undefined : restoreBundle(row);
    },
    async getBundleBytes(id) {
      return (await db.bundleBytes.get(id))?.bytes;
    },
    listBundles: () => listBundles(db),
    deleteBundle: (id) => deleteBundle(db, id),
  };
}

/** The signing key pair's table. */
export function createDexieKeyStore(db: BenchtopDB): KeyStore {
  return {
    async getKey(id: string): Promise<SigningKeyRow | undefined> {
      return db.keys.get(id);
    },
    async putKey(row: SigningKeyRow): Promise<void> {
      try {
        await db.keys.put(row);
      } catch (err) {
        throw toBenchtopError(err, 'Could not keep the signing key in this browser');
      }
    },
  };
}

/** What the bundle API reads of the train API's storage: models, their weights, their runs. */
export function createDexieModelSource(db: BenchtopDB): StoredModelSource {
  return {
    async getModel(id) {
      const row: unknown = await db.models.get(id);
      return row === undefined ? undefined : restoreModel(row);
    },
    getModelBytes: (id) => getModelBytes(db, id),
    getRun: (id) => getRun(db, id),
  };
}
