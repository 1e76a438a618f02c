// Optional bundle signatures: ECDSA P-256 with SHA-256 through WebCrypto (globalThis.crypto.subtle,
// present in Node 20, workers and pages; not a DOM API). The signature covers the manifest's
// canonical JSON, and the manifest holds the sha256 of every other file, so one signature vouches
// for the whole bundle. signature.json carries the public key (JWK) and the signature (base64,
// IEEE P1363 r||s as WebCrypto writes it). The browser keeps its key pair in IndexedDB (CryptoKey
// objects are structured-cloneable; the private key is created non-extractable by default).
import { BenchtopError } from '../errors';
import { canonicalJson, fromBase64, sha256Hex, toBase64, utf8 } from './hash';

export const SIGNATURE_ALGORITHM = 'ECDSA-P256-SHA256';

const KEY_PARAMS: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_PARAMS: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** What signature.json holds. */
export interface SignatureFile {
  algorithm: typeof SIGNATURE_ALGORITHM;
  /** The public key that verifies it, as a JWK (kty EC, crv P-256, x, y). */
  publicKey: JsonWebKey;
  /** base64 of the raw (r || s) signature over canonicalJson(manifest). */
  signature: string;
}

/** How a bundle's signature checked out (readBundle's `signature`). */
export interface SignatureStatus {
  signed: boolean;
  /** sha256 (hex) of the signing key's SPKI bytes: the short name to compare and show. */
  keyId: string | null;
  publicKey: JsonWebKey | null;
  /** Whether keyId is one of the keys the caller said it trusts (readBundle's trustedKeys). */
  trusted: boolean;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new BenchtopError(
      'internal',
      'Signing needs WebCrypto (crypto.subtle), which this environment does not offer. Use a current browser over https or localhost, or Node 20+.',
    );
  }
  return s;
}

/**
 * A new ECDSA P-256 key pair. `extractable: false` (the default) keeps the private key inside the
 * browser's key store: it can sign, and be stored in IndexedDB, but never be read out.
 */
export async function generateSigningKey(
  options: { extractable?: boolean } = {},
): Promise<CryptoKeyPair> {
  return (await subtle().generateKey(KEY_PARAMS, options.extractable ?? false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

/** The public key to share: a JWK object, or base64 of its SPKI DER bytes. */
export async function exportPublicKey(key: CryptoKey, format: 'jwk'): Promise<JsonWebKey>;
export async function exportPublicKey(key: CryptoKey, format: 'spki'): Promise<string>;
export async function exportPublicKey(
  key: CryptoKey,
  format: 'jwk' | 'spki' = 'jwk',
): Promise<JsonWebKey | string> {
  if (format === 'jwk') {
    const jwk = await subtle().exportKey('jwk', key);
    return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  }
  return toBase64(new Uint8Array(await subtle().exportKey('spki', key)));
}

/** The key id shown to people: sha256 of the public key's SPKI bytes, in hex. */
export async function publicKeyId(key: CryptoKey | JsonWebKey | string): Promise<string> {
  const k = await importPublicKey(key);
  return sha256Hex(new Uint8Array(await subtle().exportKey('spki', k)));
}

async function importPublicKey(key: CryptoKey | JsonWebKey | string): Promise<CryptoKey> {
  if (typeof key === 'string') {
    const bytes = fromBase64(key.trim());
    if (!bytes) throw badKey('it is not base64');
    try {
      return await subtle().importKey('spki', bytes, KEY_PARAMS, true, ['verify']);
    } catch {
      throw badKey('it is not an ECDSA P-256 public key');
    }
  }
  if (typeof (key as CryptoKey).algorithm === 'object' && 'type' in key) {
    const k = key as CryptoKey;
    if (k.type === 'public') return k;
    // A private key's public half: re-derive it from its JWK when extractable; else refuse.
    throw badKey('a private key was given where the public key is needed');
  }
  const jwk = key as JsonWebKey;
  if (
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string'
  )
    throw badKey('it is not an EC P-256 JWK with x and y');
  try {
    return await subtle().importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
      KEY_PARAMS,
      true,
      ['verify'],
    );
  } catch {
    throw badKey('its x / y are not a point on P-256');
  }
}

function badKey(why: string): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `The public key is not usable (${why}). Export it again from the Benchtop that signed the bundle.`,
  );
}

/** Signs the manifest (as parsed JSON) with a key pair; returns the signature.json content. */
export async function signManifest(manifest: unknown, keys: CryptoKeyPair): Promise<SignatureFile> {
  const bytes = utf8(canonicalJson(manifest));
  const sig = new Uint8Array(await subtle().sign(SIGN_PARAMS, keys.privateKey, bytes));
  return {
    algorithm: SIGNATURE_ALGORITHM,
    publicKey: await exportPublicKey(keys.publicKey, 'jwk'),
    signature: toBase64(sig),
  };
}

function tampered(why: string): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `This bundle's signature does not verify (${why}): the bundle was changed after it was signed, or signature.json was replaced. Do not use it; ask its author for a fresh copy.`,
    { file: 'signature.json' },
  );
}

/** Reads signature.json's JSON (already parsed) and checks it against the manifest. */
export async function verifyManifestSignature(
  manifest: unknown,
  signatureJson: unknown,
  trustedKeys: readonly (JsonWebKey | string)[] = [],
): Promise<SignatureStatus> {
  if (typeof signatureJson !== 'object' || signatureJson === null || Array.isArray(signatureJson))
    throw tampered('signature.json is not a JSON object');
  const s = signatureJson as Partial<SignatureFile>;
  if (s.algorithm !== SIGNATURE_ALGORITHM)
    throw tampered(`its algorithm is ${JSON.stringify(s.algorithm)}, not ${SIGNATURE_ALGORITHM}`);
  if (typeof s.publicKey !== 'object' || s.publicKey === null)
    throw tampered('it carries no public key');
  const sig = typeof s.signature === 'string' ? fromBase64(s.signature) : null;
  if (!sig) throw tampered('the signature is not base64');
  let key: CryptoKey;
  try {
    key = await importPublicKey(s.publicKey);
  } catch {
    throw tampered('its public key is not an EC P-256 key');
  }
  const ok = await subtle().verify(SIGN_PARAMS, key, sig, utf8(canonicalJson(manifest)));
  if (!ok) throw tampered('the manifest is not what was signed');
  const keyId = sha256Hex(new Uint8Array(await subtle().exportKey('spki', key)));
  const trustedIds = await Promise.all(trustedKeys.map((k) => publicKeyId(k)));
  return {
    signed: true,
    keyId,
    publicKey: { kty: 'EC', crv: 'P-256', x: s.publicKey.x, y: s.publicKey.y },
    trusted: trustedIds.includes(keyId),
  };
}
