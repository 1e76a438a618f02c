// Reading a model bundle. Nothing in a bundle is ever executed: files are bytes, JSON is parsed
// with JSON.parse, the fitted steps are decoded as data and replayed by Benchtop's own step code,
// the model is a tfjs layers topology (data). In order:
//   1. unzip with limits (src/core/bundle/zip.ts: size, file count, CRC-32 of every file);
//   2. require manifest.json, model/model.json, model/weights.bin;
//   3. check the format version (newer -> clear refusal) and migrate older ones;
//   4. verify signature.json when present (over the manifest as stored, before migration);
//   5. validate the manifest against the schema (manifest.ts);
//   6. check every listed file's sha256 and size, and that no unlisted file rides along;
//   7. decode model.json's weight specs and the fitted steps.
import { BenchtopError } from '../errors';
import type { ModelArtifacts } from '../models/trained';
import { decodeFitted, getStep, type FittedStep } from '../steps';
import type { JsonObject } from '../steps/types';
import { sha256Hex } from './hash';
import {
  BUNDLE_FORMAT,
  MANIFEST_FILE,
  MODEL_CARD_FILE,
  MODEL_JSON_FILE,
  SIGNATURE_FILE,
  WEIGHTS_BIN_FILE,
  checkManifest,
  migrateManifest,
  type BundleManifest,
} from './manifest';
import { verifyManifestSignature, type SignatureStatus } from './sign';
import { DEFAULT_ZIP_LIMITS, readZip, type ZipLimits } from './zip';

export interface ReadBundleOptions {
  limits?: Partial<ZipLimits>;
  /** Public keys (JWK or base64 SPKI) the caller trusts: sets `signature.trusted`. */
  trustedKeys?: readonly (JsonWebKey | string)[];
  /** Refuse a bundle without a valid signature (default false: unsigned bundles are read). */
  requireSignature?: boolean;
}

/** A bundle as read and verified: plain data, nothing loaded into tfjs yet. */
export interface Bundle {
  manifest: BundleManifest;
  /** The bundle format the file was written in (manifest.version before migration). */
  formatVersion: number;
  /** The stock tfjs artifacts, as stored (quantized weights stay quantized: tfjs decodes them). */
  artifacts: ModelArtifacts;
  /** The fitted transform steps, decoded (replayed by src/core/inference). */
  steps: FittedStep[];
  modelCard: string;
  /** Every file's bytes by path (deploy/ included), for a UI listing or `benchtop` writing. */
  files: ReadonlyMap<string, Uint8Array>;
  signature: SignatureStatus;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function text(files: Map<string, Uint8Array>, path: string): string {
  try {
    return decoder.decode(files.get(path)!);
  } catch {
    throw new BenchtopError(
      'invalid-argument',
      `This bundle's ${path} is not UTF-8 text: the bundle was damaged. Export it again.`,
      { file: path },
    );
  }
}

function parseJson(files: Map<string, Uint8Array>, path: string): unknown {
  try {
    return JSON.parse(text(files, path)) as unknown;
  } catch (err) {
    if (err instanceof BenchtopError) throw err;
    throw new BenchtopError(
      'invalid-argument',
      `This bundle's ${path} is not valid JSON: the bundle was damaged or edited by hand. Export it again.`,
      { file: path },
    );
  }
}

function missing(path: string, what: string): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `This bundle has no ${path} (${what}), so it cannot be used. Export it again from Benchtop.`,
    { file: path },
  );
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads, verifies and decodes a bundle. Every failure is a BenchtopError saying what is wrong. */
export async function readBundle(
  bytes: Uint8Array,
  options: ReadBundleOptions = {},
): Promise<Bundle> {
  const files = readZip(bytes, { ...DEFAULT_ZIP_LIMITS, ...(options.limits ?? {}) });
  if (!files.has(MANIFEST_FILE)) {
    throw new BenchtopError(
      'unsupported-format',
      files.has('model.json') || files.has(MODEL_JSON_FILE)
        ? 'This zip holds a tfjs model but no manifest.json, so it is not a Benchtop bundle. Load it with tf.loadLayersModel, or export a bundle from Benchtop.'
        : 'This zip is not a Benchtop bundle: it has no manifest.json. A bundle is the .benchtop.zip that Benchtop exports.',
    );
  }
  const raw = parseJson(files, MANIFEST_FILE);
  if (!isObject(raw) || raw.format !== BUNDLE_FORMAT) {
    throw new BenchtopError(
      'unsupported-format',
      `This zip is not a Benchtop bundle: its manifest.json does not say "format": "${BUNDLE_FORMAT}".`,
    );
  }
  // The version first: a newer bundle's manifest would fail today's schema for the wrong reason.
  const { manifest: migrated, from } = migrateManifest(raw);

  let signature: SignatureStatus = { signed: false, keyId: null, publicKey: null, trusted: false };
  if (files.has(SIGNATURE_FILE)) {
    signature = await verifyManifestSignature(
      raw,
      parseJson(files, SIGNATURE_FILE),
      options.trustedKeys ?? [],
    );
  } else if (options.requireSignature) {
    throw new BenchtopError(
      'invalid-argument',
      'This bundle is not signed, and a signed bundle was required. Ask its author to export it with a signature.',
    );
  }

  const manifest = checkManifest(migrated);
  for (const path of [MODEL_JSON_FILE, WEIGHTS_BIN_FILE]) {
    if (!files.has(path)) {
      throw missing(
        path,
        path === WEIGHTS_BIN_FILE ? "the model's weights" : "the model's structure",
      );
    }
  }
  for (const [path, entry] of Object.entries(manifest.files)) {
    const data = files.get(path);
    if (!data) throw missing(path, 'listed in its manifest');
    if (data.length !== entry.bytes || sha256Hex(data) !== entry.sha256) {
      throw new BenchtopError(
        'invalid-argument',
        `${path} does not match its hash: the bundle was changed after it was written. Do not use it; export it again or ask its author for a fresh copy.`,
        { file: path },
      );
    }
  }
  for (const path of files.keys()) {
    if (path !== MANIFEST_FILE && path !== SIGNATURE_FILE && !(path in manifest.files)) {
      throw new BenchtopError(
        'invalid-argument',
        `This bundle holds ${path}, which its manifest does not list: a file was added after it was written. Do not use it; export it again.`,
        { file: path },
      );
    }
  }

  const modelJson = parseJson(files, MODEL_JSON_FILE);
  const manifestEntry =
    isObject(modelJson) && Array.isArray(modelJson.weightsManifest)
      ? modelJson.weightsManifest[0]
      : null;
  if (
    !isObject(modelJson) ||
    !isObject(modelJson.modelTopology) ||
    !isObject(manifestEntry) ||
    !Array.isArray(manifestEntry.weights)
  ) {
    throw new BenchtopError(
      'invalid-argument',
      `This bundle's ${MODEL_JSON_FILE} is not a tfjs layers model (no modelTopology or weightsManifest). Export it again.`,
      { file: MODEL_JSON_FILE },
    );
  }
  const weightData = files.get(WEIGHTS_BIN_FILE)!;
  const artifacts: ModelArtifacts = {
    modelJson,
    weightSpecs: manifestEntry.weights as unknown as ModelArtifacts['weightSpecs'],
    weightData: weightData.buffer.slice(
      weightData.byteOffset,
      weightData.byteOffset + weightData.byteLength,
    ) as ArrayBuffer,
  };
  const steps = manifest.steps.map((s, i) => {
    let fitted: FittedStep;
    try {
      fitted = decodeFitted(s);
      const def = getStep(fitted.spec.kind);
      if (def.role !== 'transform') {
        throw new BenchtopError(
          'invalid-argument',
          `it is a ${def.role} step, which a bundle never holds`,
        );
      }
    } catch (err) {
      const why = err instanceof BenchtopError ? err.message : String(err);
      throw new BenchtopError(
        'invalid-argument',
        `Step ${i + 1} of this bundle cannot be used: ${why} (a newer Benchtop may know it). Update Benchtop, or export the model again.`,
        { step: i + 1 },
      );
    }
    return fitted;
  });
  return {
    manifest,
    formatVersion: from,
    artifacts,
    steps,
    modelCard: files.has(MODEL_CARD_FILE) ? text(files, MODEL_CARD_FILE) : '',
    files,
    signature,
  };
}
