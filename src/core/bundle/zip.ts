// The zip container of a bundle. Writing goes through fflate's zipSync (deflate, fixed timestamps,
// so the same input gives the same bytes). Reading is ours, over fflate's inflateSync, because a
// bundle is untrusted input: we parse the central directory ourselves to refuse absurd sizes and
// file counts *before* inflating anything (a zip bomb never gets memory), refuse unsafe names,
// encryption and unknown compression methods, and check every file's CRC-32 (fflate's unzipSync
// does not), so a flipped byte in a file that no manifest hash covers (manifest.json itself)
// is still caught.
import { inflateSync, zipSync, type Zippable } from 'fflate';
import { BenchtopError } from '../errors';

export interface ZipLimits {
  /** Largest zip accepted, in bytes (default 512 MiB). */
  maxBytes: number;
  /** Largest sum of the files' uncompressed sizes (default 1 GiB). */
  maxUncompressed: number;
  /** Most files (default 256). */
  maxFiles: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxBytes: 512 * 2 ** 20,
  maxUncompressed: 2 ** 30,
  maxFiles: 256,
};

let CRC_TABLE: Int32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** One zip from path -> bytes; `mtime` is written as every file's time (deterministic output). */
export function writeZip(files: Record<string, Uint8Array>, mtime: Date): Uint8Array {
  const entries: Zippable = {};
  for (const [path, bytes] of Object.entries(files)) entries[path] = [bytes, { level: 6, mtime }];
  return zipSync(entries);
}

function notBundle(why: string): BenchtopError {
  return new BenchtopError(
    'unsupported-format',
    `This file is not a Benchtop bundle: ${why}. A bundle is the .benchtop.zip that Benchtop exports.`,
  );
}

function damaged(why: string): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `This bundle's zip is damaged or truncated (${why}). Download or copy it again.`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** A path we accept in a bundle: relative, '/'-separated, no '..', no backslashes or NULs. */
export function isSafePath(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0'))
    return false;
  return name.split('/').every((part) => part !== '..' && part !== '.');
}

function centralDirectory(bytes: Uint8Array, limits: ZipLimits): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: 22 bytes plus a comment of up to 65,535 bytes, searched backwards.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged('its end-of-archive record is missing, so the end was cut off');
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw notBundle('it is a ZIP64 archive, which Benchtop never writes');
  if (count > limits.maxFiles)
    throw new BenchtopError(
      'too-large',
      `This bundle holds ${count} files; a Benchtop bundle holds a handful (the limit is ${limits.maxFiles}). It was not written by Benchtop.`,
    );
  if (cdOffset + cdSize > eocd) throw damaged('its file directory points past the end');
  const entries: Entry[] = [];
  let p = cdOffset;
  let total = 0;
  const names = new Set<string>();
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== 0x02014b50)
      throw damaged(`entry ${k + 1} of its file directory is unreadable`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen > eocd) throw damaged(`entry ${k + 1}'s name runs past the directory`);
    const name = utf8.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue; // a directory entry: nothing to read
    if (!isSafePath(name)) throw notBundle(`it holds a file named '${name}'`);
    if (names.has(name)) throw notBundle(`it holds '${name}' twice`);
    names.add(name);
    if (flags & 1) throw notBundle(`'${name}' is encrypted`);
    if (method !== 0 && method !== 8)
      throw notBundle(`'${name}' uses compression method ${method} (Benchtop writes deflate)`);
    total += size;
    if (total > limits.maxUncompressed) {
      throw new BenchtopError(
        'too-large',
        `This bundle would unpack to more than ${Math.round(limits.maxUncompressed / 2 ** 20)} MiB, far more than any Benchtop model. It was not written by Benchtop (or is a zip bomb); it was not opened.`,
      );
    }
    entries.push({ name, method, flags, crc, compressedSize, size, localOffset });
  }
  return entries;
}

/** Unpacks a zip into path -> bytes under `limits`, checking every file's size and CRC-32. */
export function readZip(
  bytes: Uint8Array,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Map<string, Uint8Array> {
  if (bytes.length > limits.maxBytes) {
    throw new BenchtopError(
      'too-large',
      `This file is ${Math.round(bytes.length / 2 ** 20)} MiB; bundles up to ${Math.round(limits.maxBytes / 2 ** 20)} MiB are opened. It is not a Benchtop bundle of a usual size.`,
    );
  }
  if (bytes.length < 4) throw notBundle(bytes.length === 0 ? 'it is empty' : 'it is not a zip');
  const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (magic === 0x06054b50) throw notBundle('it is an empty zip');
  if (magic !== 0x04034b50) throw notBundle('it is not a zip file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Uint8Array>();
  for (const e of centralDirectory(bytes, limits)) {
    const at = e.localOffset;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50)
      throw damaged(`the header of '${e.name}' is missing`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + e.compressedSize;
    if (end > bytes.length) throw damaged(`'${e.name}' is cut off`);
    const raw = bytes.subarray(start, end);
    let data: Uint8Array;
    if (e.method === 0) {
      data = raw.slice();
    } else {
      try {
        data = inflateSync(raw, { out: new Uint8Array(e.size) });
      } catch {
        throw damaged(`the compressed bytes of '${e.name}' are corrupt`);
      }
    }
    if (data.length !== e.size) throw damaged(`'${e.name}' unpacks to the wrong size`);
    if (crc32(data) !== e.crc)
      throw damaged(`'${e.name}' does not match its checksum: its bytes were changed`);
    out.set(e.name, data);
  }
  return out;
}
