// Model bundles (DESIGN.md §6): one `.benchtop.zip` with model/model.json + model/weights.bin (stock
// tfjs layers format; float16 / uint8 in tfjs's own quantization fields), manifest.json (schema in
// manifest.ts, sha256 of every other file), MODEL_CARD.md, deploy/ and optionally signature.json.
//
// Write (after src/core/evaluate's trainFinal; the browser builds the same BundleInput from a
// stored model record plus its dataset's frame):
//   const input = await bundleInputFromFinal(tf, final, frame, {
//     name: 'Penguin species', version: '1.0.0', created: new Date().toISOString(),
//     metrics: { cv: { folds: 5, summary: { accuracy: { mean: 0.98, std: 0.01 } } } },
//     quantization: 'uint8',            // optional: 'none' (default) | 'float16' | 'uint8'
//     signingKey: await generateSigningKey(),   // optional
//   });
//   const zip: Uint8Array = await writeBundle(input);
//
// Read (never executes anything from the file; every failure is a BenchtopError):
//   const bundle = await readBundle(zip, { trustedKeys: [publicJwk] });
//   bundle.manifest, bundle.steps, bundle.artifacts, bundle.modelCard,
//   bundle.signature  // {signed, keyId, publicKey, trusted}
// then src/core/inference's loadPredictor(tf, bundle) to predict.
//
// Signatures: generateSigningKey() -> CryptoKeyPair (keep it in IndexedDB: CryptoKeys are
// structured-cloneable), exportPublicKey(pair.publicKey, 'jwk' | 'spki') to share, publicKeyId()
// for the short id people compare.
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  MANIFEST_FILE,
  MIGRATIONS,
  MODEL_CARD_FILE,
  MODEL_JSON_FILE,
  QUANTIZATIONS,
  SIGNATURE_FILE,
  WEIGHTS_BIN_FILE,
  checkManifest,
  isSemver,
  manifestProblems,
  migrateManifest,
  type BundleManifest,
  type CompactProfile,
  type FileEntry,
  type InputColumn,
  type ManifestMigration,
  type MetricSummaryJson,
  type ProfileColumn,
  type Quantization,
} from './manifest';
export {
  bundleFiles,
  bundleInputFromFinal,
  describeBundle,
  neededColumns,
  writeBundle,
  type BundleInput,
} from './write';
export { readBundle, type Bundle, type ReadBundleOptions } from './read';
export {
  SIGNATURE_ALGORITHM,
  exportPublicKey,
  generateSigningKey,
  publicKeyId,
  signManifest,
  verifyManifestSignature,
  type SignatureFile,
  type SignatureStatus,
} from './sign';
export { compactProfile, frameFingerprint, inputSignature } from './describe';
export { modelCard } from './model-card';
export { deployFiles, type DeployManifest } from './deploy';
export { DEFAULT_ZIP_LIMITS, readZip, writeZip, type ZipLimits } from './zip';
export { canonicalJson, sha256Hex } from './hash';
