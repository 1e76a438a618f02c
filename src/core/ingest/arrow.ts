// Arrow IPC reader (file format "ARROW1" and the stream format, .arrow / .arrows / .feather v2):
// decodes with apache-arrow, then converts every column to Benchtop's storage convention
// (normalize.ts). apache-arrow returns an empty table for 0 bytes and throws a bare TypeError on a
// truncated file; both become a BenchtopError a person can act on.
import { tableFromIPC, type Table } from 'apache-arrow';
import { BenchtopError, cancelled } from '../errors';
import { applyKindOverrides } from '../data/recast';
import { normalizeArrowTable } from './normalize';
import type { IngestOptions, IngestReport, IngestResult } from './types';

const FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

function hasFileMagic(bytes: Uint8Array): boolean {
  return FILE_MAGIC.every((b, i) => bytes[i] === b);
}

/** A stream ends with an end-of-stream marker (0xFFFFFFFF then a zero length); writers may omit it. */
function endsWithEos(bytes: Uint8Array): boolean {
  const n = bytes.byteLength;
  if (n < 8) return false;
  const tail = bytes.subarray(n - 8);
  const continuation = tail[0] === 0xff && tail[1] === 0xff && tail[2] === 0xff && tail[3] === 0xff;
  return continuation && tail[4] === 0 && tail[5] === 0 && tail[6] === 0 && tail[7] === 0;
}

function badArrow(name: string, detail: string): BenchtopError {
  return new BenchtopError(
    'bad-arrow',
    `${name} is truncated or not an Arrow file (${detail}). Export it again from the program that wrote it, ` +
      'or choose the CSV or Parquet version.',
    { cause: detail },
  );
}

/** Reads Arrow IPC bytes (file or stream format) into a typed table. Throws only BenchtopError. */
export async function readArrow(
  name: string,
  bytes: Uint8Array,
  options: IngestOptions = {},
): Promise<IngestResult> {
  if (bytes.byteLength === 0) throw badArrow(name, 'it is empty, 0 bytes');
  let decoded: Table;
  try {
    decoded = tableFromIPC(bytes);
  } catch (err) {
    // The library's own words ("reading 'fieldsLength'") help nobody; keep them in details.
    const cause = err instanceof Error ? err.message : String(err);
    const error = badArrow(name, 'its data ends early or its layout is not Arrow IPC');
    error.details.cause = cause;
    throw error;
  }
  if (options.isCancelled?.()) throw cancelled();
  if (decoded.schema.fields.length === 0) throw badArrow(name, 'no schema was found in it');
  if (decoded.numRows === 0) {
    throw new BenchtopError(
      'no-rows',
      `${name} has a schema but no rows. Choose a file that holds data.`,
    );
  }
  options.onProgress?.({ phase: 'building', done: 0, total: decoded.numRows });
  const normalized = normalizeArrowTable(decoded, name);
  if (options.isCancelled?.()) throw cancelled();

  const notes = [...normalized.notes];
  if (!hasFileMagic(bytes) && !endsWithEos(bytes)) {
    notes.push(
      `${name} is an Arrow stream without an end-of-stream marker; if it was cut short, rows may be missing.`,
    );
  }
  const report: IngestReport = {
    format: 'arrow',
    rows: normalized.table.numRows,
    columns: normalized.schema.length,
    renamedHeaders: normalized.renamed,
    raggedRows: { count: 0, lines: [], expected: normalized.schema.length, examples: [] },
    strayValues: {},
    notes,
  };
  const result = applyKindOverrides(
    { table: normalized.table, schema: normalized.schema, report },
    options.kinds,
    (row) => row + 1,
  );
  options.onProgress?.({ phase: 'building', done: decoded.numRows, total: decoded.numRows });
  return result;
}
