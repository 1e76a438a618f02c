// Ingest entry point: sniff the format from magic bytes and the file name, then hand the bytes to
// the CSV, Arrow or Parquet reader. Every reader returns a typed Arrow table plus a report.
import { BenchtopError, toBenchtopError } from '../errors';
import { readCsv } from './csv';
import { readArrow } from './arrow';
import { readParquet } from './parquet';
import type { ByteSource, FileFormat, IngestOptions, IngestResult } from './types';

export * from './types';
export * from './reading-options';
export { blobSource } from './blob-source';

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
const ARROW_STREAM_CONTINUATION = [0xff, 0xff, 0xff, 0xff];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Decides the format from the first bytes, falling back on the extension. */
export function sniffFormat(name: string, head: Uint8Array): FileFormat {
  if (startsWith(head, ARROW_MAGIC)) return 'arrow';
  if (startsWith(head, PARQUET_MAGIC)) return 'parquet';
  if (startsWith(head, ARROW_STREAM_CONTINUATION)) return 'arrow';
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'arrow' || ext === 'arrows' || ext === 'feather' || ext === 'ipc') return 'arrow';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  return 'csv';
}

/** A ByteSource over bytes already in memory (tests, the CLI for small files, drag-and-drop). */
export function bytesSource(name: string, bytes: Uint8Array, chunkSize = 1 << 20): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async *chunks() {
      for (let off = 0; off < bytes.byteLength; off += chunkSize) {
        yield bytes.subarray(off, Math.min(off + chunkSize, bytes.byteLength));
      }
    },
  };
}

/** Reads a whole source into one buffer (Arrow and Parquet need random access to the footer). */
export async function readAll(
  source: ByteSource,
  options: IngestOptions = {},
): Promise<Uint8Array> {
  const out = new Uint8Array(source.size);
  let off = 0;
  for await (const chunk of source.chunks()) {
    if (options.isCancelled?.())
      throw new BenchtopError('cancelled', 'The import was cancelled. Nothing was stored.');
    if (off + chunk.byteLength > out.byteLength) {
      throw new BenchtopError(
        'bad-csv',
        `${source.name} grew while it was being read. Try again once it is complete.`,
      );
    }
    out.set(chunk, off);
    off += chunk.byteLength;
    options.onProgress?.({ phase: 'reading', done: off, total: source.size });
  }
  return off === out.byteLength ? out : out.subarray(0, off);
}

async function firstBytes(source: ByteSource, n: number): Promise<Uint8Array> {
  for await (const chunk of source.chunks()) return chunk.subarray(0, n);
  return new Uint8Array(0);
}

/** Reads any supported file into a typed Arrow table. Throws only BenchtopError. */
export async function ingest(
  source: ByteSource,
  options: IngestOptions = {},
): Promise<IngestResult> {
  try {
    if (source.size === 0) {
      throw new BenchtopError(
        'empty-file',
        `${source.name} is empty (0 bytes). Choose a file with a header row and data.`,
      );
    }
    const format = options.format ?? sniffFormat(source.name, await firstBytes(source, 8));
    if (format === 'csv') return await readCsv(source, options);
    const bytes = await readAll(source, options);
    if (format === 'arrow') return await readArrow(source.name, bytes, options);
    return await readParquet(source.name, bytes, options);
  } catch (err) {
    throw toBenchtopError(err, `Could not read ${source.name}`);
  }
}
