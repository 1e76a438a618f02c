// Reading a bundle someone sent: every way it can be wrong is a BenchtopError saying what
// (not a zip / not a bundle, truncated, a byte flipped in any file, a file missing or added, a
// newer format, a manifest field of the wrong type), limits against zip bombs, the migration
// mechanism, and ECDSA P-256 signatures (valid, tampered manifest, replaced key, required).
// The bundle is a real one: penguins species, auto-prepared, logreg trained on tfjs wasm.
import { readFileSync } from 'node:fs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { nodeTf } from '../../src/core/models/node-tf';
import {
  BUNDLE_VERSION,
  bundleInputFromFinal,
  exportPublicKey,
  generateSigningKey,
  migrateManifest,
  publicKeyId,
  readBundle,
  writeBundle,
  type BundleInput,
} from '../../src/core/bundle';
import type { JsonObject } from '../../src/core/steps';
import { DATA, trained } from './bundle-helpers';

let input: BundleInput;
let zip: Uint8Array;

beforeAll(async () => {
  const { tf } = await nodeTf('wasm');
  const t = await trained(tf, DATA.penguins, 'Species');
  input = await bundleInputFromFinal(tf, t.final, t.frame, {
    name: 'Penguin species',
    created: '2025-03-01T12:00:00.000Z',
  });
  t.final.model.dispose();
  zip = await writeBundle(input);
});

async function refused(p: Promise<unknown>): Promise<BenchtopError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return err as BenchtopError;
  }
  throw new Error('expected the bundle to be refused');
}

/** Unzips, lets `edit` change the files, zips again (fresh CRCs: only our own checks remain). */
function rezip(bytes: Uint8Array, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  edit(files);
  return zipSync(files);
}

function manifestOf(bytes: Uint8Array): JsonObject {
  return JSON.parse(new TextDecoder().decode(unzipSync(bytes)['manifest.json'])) as JsonObject;
}

/** [name, start, end) of every file's stored (compressed) bytes inside the zip. */
function dataRanges(bytes: Uint8Array): { name: string; start: number; end: number }[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (v.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let p = v.getUint32(eocd + 16, true);
  const out = [];
  for (let k = 0; k < v.getUint16(eocd + 10, true); k++) {
    const size = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    const local = v.getUint32(p + 42, true);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    out.push({ name, start, end: start + size });
    p += 46 + nameLen + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}

/** Whether every file of `bytes` inflates (fflate, no CRC check) to the original's content. */
function unchangedContent(bytes: Uint8Array): boolean {
  try {
    const a = unzipSync(bytes);
    const b = unzipSync(zip);
    return Object.keys(b).every((k) => a[k] && Buffer.compare(a[k], b[k]) === 0);
  } catch {
    return false;
  }
}

describe('readBundle refuses what is not a sound bundle', () => {
  it('reads the bundle as written, listing its files', async () => {
    const b = await readBundle(zip);
    expect([...b.files.keys()].sort()).toEqual(
      [
        'MODEL_CARD.md',
        'deploy/Dockerfile',
        'deploy/Dockerfile.dockerignore',
        'deploy/README.md',
        'deploy/embed.html',
        'deploy/k8s.yaml',
        'deploy/package.json',
        'deploy/predict.mjs',
        'deploy/server.mjs',
        'manifest.json',
        'model/model.json',
        'model/weights.bin',
      ].sort(),
    );
    expect(b.formatVersion).toBe(1);
  });

  it('not a zip: a CSV, an empty file, random bytes, an empty zip', async () => {
    const csv = new Uint8Array(readFileSync(DATA.penguins));
    for (const bytes of [
      csv,
      new Uint8Array(0),
      Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 251),
      zipSync({}),
    ]) {
      const e = await refused(readBundle(bytes));
      expect(e.message).toMatch(/not a Benchtop bundle/);
      expect(e.code).toBe('unsupported-format');
    }
  });

  it('a zip that is not a bundle: a bare tfjs model, or a manifest of another format', async () => {
    const files = unzipSync(zip);
    const bare = zipSync({
      'model.json': files['model/model.json'],
      'weights.bin': files['model/weights.bin'],
    });
    expect((await refused(readBundle(bare))).message).toMatch(
      /holds a tfjs model but no manifest\.json/,
    );
    const other = zipSync({ 'manifest.json': strToU8('{"format":"something.else","version":1}') });
    expect((await refused(readBundle(other))).message).toMatch(/not a Benchtop bundle/);
  });

  it('a truncated zip, cut anywhere', async () => {
    for (const keep of [10, 100, Math.floor(zip.length / 2), zip.length - 30, zip.length - 1]) {
      const e = await refused(readBundle(zip.slice(0, keep)));
      expect(e.message).toMatch(/damaged or truncated|not a Benchtop bundle/);
    }
  });

  it('a flipped byte anywhere in any file’s stored bytes is caught (CRC, inflate or hash)', async () => {
    const ranges = dataRanges(zip);
    expect(ranges.map((r) => r.name)).toContain('model/weights.bin');
    let tried = 0;
    let padding = 0;
    for (const r of ranges) {
      const step = Math.max(1, Math.floor((r.end - r.start) / 40));
      for (let at = r.start; at < r.end; at += step) {
        const bad = zip.slice();
        bad[at] ^= 0x01;
        // Deflate's last byte can hold unused padding bits: a flip there changes no file. Then
        // (and only then) the bundle may read, and must read exactly as the original.
        const same = unchangedContent(bad);
        if (same) {
          const b = await readBundle(bad);
          expect(b.manifest).toEqual((await readBundle(zip)).manifest);
          padding++;
        } else {
          const e = await refused(readBundle(bad));
          expect(e.message.length).toBeGreaterThan(20);
        }
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(150);
    expect(padding).toBeLessThanOrEqual(ranges.length);
  });

  it('a changed byte in any hashed file, re-zipped with valid CRCs, fails its sha256', async () => {
    const files = unzipSync(zip);
    for (const name of Object.keys(files).filter((n) => n !== 'manifest.json')) {
      const len = files[name].length;
      const step = Math.max(1, Math.floor(len / 25));
      for (let at = 0; at < len; at += step) {
        const bad = rezip(zip, (f) => {
          f[name] = f[name].slice();
          f[name][at] ^= 0x20;
        });
        const e = await refused(readBundle(bad));
        expect(e.message).toBe(
          `${name} does not match its hash: the bundle was changed after it was written. Do not use it; export it again or ask its author for a fresh copy.`,
        );
      }
    }
  });

  it('model/weights.bin changed: the message names it', async () => {
    const bad = rezip(zip, (f) => {
      f['model/weights.bin'] = f['model/weights.bin'].slice();
      f['model/weights.bin'][0] ^= 0xff;
    });
    expect((await refused(readBundle(bad))).message).toMatch(
      /^model\/weights\.bin does not match its hash: the bundle was changed after it was written/,
    );
  });

  it('a missing file, and a file added after writing', async () => {
    const noWeights = rezip(zip, (f) => delete f['model/weights.bin']);
    expect((await refused(readBundle(noWeights))).message).toMatch(/has no model\/weights\.bin/);
    const noCard = rezip(zip, (f) => delete f['MODEL_CARD.md']);
    expect((await refused(readBundle(noCard))).message).toMatch(/has no MODEL_CARD\.md/);
    const extra = rezip(zip, (f) => (f['deploy/run.sh'] = strToU8('rm -rf /')));
    expect((await refused(readBundle(extra))).message).toMatch(
      /holds deploy\/run\.sh, which its manifest does not list/,
    );
  });

  it('a newer format is refused by number; an invalid version too', async () => {
    const newer = rezip(zip, (f) => {
      const m = manifestOf(zip);
      f['manifest.json'] = strToU8(JSON.stringify({ ...m, version: 3, somethingNew: true }));
    });
    expect((await refused(readBundle(newer))).message).toMatch(
      /^Bundle format 3 is newer than this app/,
    );
    const none = rezip(
      zip,
      (f) => (f['manifest.json'] = strToU8(JSON.stringify({ ...manifestOf(zip), version: 'one' }))),
    );
    expect((await refused(readBundle(none))).message).toMatch(/no valid format version/);
  });

  it('schema errors name the field', async () => {
    const cases: [(m: JsonObject) => void, RegExp][] = [
      [
        (m) => ((m.model as JsonObject).version = 'one'),
        /'model\.version' must be a semantic version/,
      ],
      [
        (m) => (((m.input as JsonObject).columns as JsonObject[])[1].kind = 'float'),
        /'input\.columns\[1\]\.kind' must be one of integer, number/,
      ],
      [(m) => delete m.seed, /'seed' must be a whole number \(it is missing\)/],
      [(m) => ((m.data as JsonObject).fingerprint = 'abc'), /'data\.fingerprint' must be a sha256/],
      [
        (m) => ((m.files as JsonObject)['../evil'] = { sha256: 'a'.repeat(64), bytes: 1 }),
        /'files' lists '\.\.\/evil'/,
      ],
    ];
    for (const [edit, want] of cases) {
      const bad = rezip(zip, (f) => {
        const m = manifestOf(zip);
        edit(m);
        f['manifest.json'] = strToU8(JSON.stringify(m));
      });
      const e = await refused(readBundle(bad));
      expect(e.message).toMatch(/manifest\.json is not valid/);
      expect(e.message).toMatch(want);
    }
  });

  it('limits: too many files, too large unpacked, too large a file', async () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 300; i++) many[`f${i}.txt`] = strToU8('x');
    expect((await refused(readBundle(zipSync(many)))).code).toBe('too-large');
    const bomb = zipSync({ 'manifest.json': new Uint8Array(4 * 2 ** 20) });
    expect(bomb.length).toBeLessThan(100_000);
    const e = await refused(readBundle(bomb, { limits: { maxUncompressed: 2 ** 20 } }));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/zip bomb/);
    expect((await refused(readBundle(zip, { limits: { maxBytes: 1000 } }))).code).toBe('too-large');
  });

  it('migrations run one version at a time (the mechanism, with a made-up v0 -> v1)', () => {
    const migrations = { 1: (m: JsonObject) => ({ ...m, renamed: m.old ?? null }) };
    const r = migrateManifest({ version: 1, old: 'x' }, migrations, 2);
    expect(r).toEqual({ manifest: { version: 2, old: 'x', renamed: 'x' }, from: 1 });
    expect(() => migrateManifest({ version: 1 }, {}, 2)).toThrow(/cannot convert/);
    expect(BUNDLE_VERSION).toBe(1);
  });
});

describe('signatures (ECDSA P-256 via WebCrypto)', () => {
  it('a signed bundle reads as signed by its key, trusted when the key is given', async () => {
    const keys = await generateSigningKey();
    const signed = await writeBundle({ ...input, signingKey: keys });
    const jwk = await exportPublicKey(keys.publicKey, 'jwk');
    const spki = await exportPublicKey(keys.publicKey, 'spki');
    const id = await publicKeyId(keys.publicKey);
    const plain = await readBundle(signed);
    expect(plain.signature).toMatchObject({ signed: true, keyId: id, trusted: false });
    expect(plain.signature.publicKey).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      x: jwk.x,
      y: jwk.y,
    });
    expect((await readBundle(signed, { trustedKeys: [spki] })).signature.trusted).toBe(true);
    expect((await readBundle(signed, { trustedKeys: [jwk] })).signature.trusted).toBe(true);
    const other = await generateSigningKey();
    expect(
      (await readBundle(signed, { trustedKeys: [await exportPublicKey(other.publicKey, 'jwk')] }))
        .signature.trusted,
    ).toBe(false);
  });

  it('a tampered manifest (valid JSON, same hashes) fails the signature', async () => {
    const keys = await generateSigningKey();
    const signed = await writeBundle({ ...input, signingKey: keys });
    const bad = rezip(signed, (f) => {
      const m = manifestOf(signed);
      (m.model as JsonObject).name = 'Something else';
      f['manifest.json'] = strToU8(JSON.stringify(m, null, 2));
    });
    expect((await refused(readBundle(bad))).message).toMatch(
      /signature does not verify \(the manifest is not what was signed\)/,
    );
    // Re-indenting alone keeps the signature (it covers the canonical JSON).
    const reindented = rezip(
      signed,
      (f) => (f['manifest.json'] = strToU8(JSON.stringify(manifestOf(signed)))),
    );
    expect((await readBundle(reindented)).signature.signed).toBe(true);
  });

  it('a signature under another key, or a garbled one, fails', async () => {
    const keys = await generateSigningKey();
    const other = await generateSigningKey();
    const signed = await writeBundle({ ...input, signingKey: keys });
    const otherJwk = await exportPublicKey(other.publicKey, 'jwk');
    const wrongKey = rezip(signed, (f) => {
      const s = JSON.parse(new TextDecoder().decode(f['signature.json'])) as JsonObject;
      s.publicKey = otherJwk as unknown as JsonObject;
      f['signature.json'] = strToU8(JSON.stringify(s));
    });
    expect((await refused(readBundle(wrongKey))).message).toMatch(/signature does not verify/);
    const garbled = rezip(signed, (f) => {
      const s = JSON.parse(new TextDecoder().decode(f['signature.json'])) as JsonObject;
      s.signature = 'not base64!';
      f['signature.json'] = strToU8(JSON.stringify(s));
    });
    expect((await refused(readBundle(garbled))).message).toMatch(
      /signature does not verify \(the signature is not base64\)/,
    );
  });

  it('requireSignature refuses an unsigned bundle', async () => {
    expect((await refused(readBundle(zip, { requireSignature: true }))).message).toMatch(
      /not signed/,
    );
  });
});
