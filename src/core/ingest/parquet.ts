// Parquet reader: hyparquet (pure JS) decodes column chunks row group by row group, with
// hyparquet-compressors for the codecs it lacks (Polars and DuckDB write ZSTD, Spark often GZIP;
// pandas/pyarrow default to SNAPPY, which hyparquet has built in). The decoded columns go
// straight into Benchtop's storage convention (normalize.ts) without a row-wise transpose.
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { ColumnData, FileMetaData, SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { BenchtopError, cancelled } from '../errors';
import { applyKindOverrides } from '../data/recast';
import {
  buildTable,
  columnFromValues,
  PANDAS_INDEX_NOTE,
  uniqueNames,
  unnamedPandasIndex,
  type BuiltColumn,
  type ValueClass,
} from './normalize';
import type { IngestOptions, IngestReport, IngestResult } from './types';

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1", at both ends of every Parquet file

/** `cause` is the library's own message: kept in details for bug reports, not shown to people. */
function badParquet(name: string, detail: string, cause: string = detail): BenchtopError {
  return new BenchtopError(
    'bad-parquet',
    `${name} is truncated or not a Parquet file (${detail}). Export it again from the program that wrote it, ` +
      'or choose the CSV or Arrow version.',
    { cause },
  );
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const decoder = new TextDecoder();

/** Values come out as plain numbers: epoch ms for dates and timestamps, text for JSON. */
const PARSERS = {
  timestampFromMilliseconds: (v: bigint): number => Number(v),
  timestampFromMicroseconds: (v: bigint): number => Number(v) / 1e3,
  timestampFromNanoseconds: (v: bigint): number => Number(v) / 1e6,
  dateFromDays: (days: number): number => days * 86_400_000,
  jsonFromBytes: (bytes: Uint8Array): string | undefined =>
    bytes ? decoder.decode(bytes) : undefined,
};

/** What a top-level Parquet column holds, from its declared physical / logical types. */
function valueClass(node: SchemaTree, fileName: string): { cls: ValueClass; note?: string } {
  const e = node.element;
  const name = e.name;
  if (node.children.length > 0) return { cls: 'json' };
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16')
    return { cls: 'number' };
  if (logical === 'DATE' || converted === 'DATE') return { cls: 'date' };
  if (
    logical === 'TIMESTAMP' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS'
  ) {
    return { cls: 'date' };
  }
  if (logical === 'TIME' || converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') {
    return {
      cls: 'integer',
      note: `'${name}' holds times of day; they are read as integers since midnight.`,
    };
  }
  if (logical === 'GEOMETRY' || logical === 'GEOGRAPHY') return { cls: 'json' };
  if (
    logical === 'STRING' ||
    logical === 'ENUM' ||
    logical === 'JSON' ||
    logical === 'UUID' ||
    converted === 'UTF8' ||
    converted === 'ENUM' ||
    converted === 'JSON'
  ) {
    return { cls: 'string' };
  }
  switch (e.type) {
    case 'BOOLEAN':
      return { cls: 'boolean' };
    case 'INT32':
    case 'INT64':
      return { cls: 'integer' };
    case 'INT96':
      return { cls: 'date' };
    case 'FLOAT':
    case 'DOUBLE':
      return { cls: 'number' };
    case 'BYTE_ARRAY':
      // Older writers (Spark, Hive) store text without the UTF8 annotation.
      return { cls: 'string' };
    default:
      throw new BenchtopError(
        'unsupported-format',
        `${fileName}: column '${name}' holds raw bytes (${e.type ?? 'unknown type'}), which Benchtop cannot analyse. ` +
          'Drop or convert that column (for example to text) before exporting the file.',
        { column: name },
      );
  }
}

/** Joins the decoded chunks of one column into a single array of `rows` values. */
function assemble(chunks: ColumnData[], rowStart: number, rows: number): ArrayLike<unknown> {
  if (
    chunks.length === 1 &&
    chunks[0].rowStart === rowStart &&
    chunks[0].columnData.length === rows
  ) {
    return chunks[0].columnData as ArrayLike<unknown>;
  }
  const out = new Array<unknown>(rows).fill(null);
  for (const c of chunks) {
    const data = c.columnData as ArrayLike<unknown>;
    // Chunks may cover rows outside the requested range: clip them.
    for (let i = 0; i < data.length; i++) {
      const row = c.rowStart + i - rowStart;
      if (row >= 0 && row < rows) out[row] = data[i];
    }
  }
  return out;
}

export interface ParquetLimits {
  /** Read only the first rows (whole row groups are decoded; rows past the limit are dropped). */
  maxRows?: number;
}

/** Reads Parquet bytes into a typed table. Throws only BenchtopError. */
export async function readParquet(
  name: string,
  bytes: Uint8Array,
  options: IngestOptions = {},
  limits: ParquetLimits = {},
): Promise<IngestResult> {
  const n = bytes.byteLength;
  if (n === 0) throw badParquet(name, 'it is empty, 0 bytes');
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw badParquet(name, 'it does not start with PAR1');
  if (n < 12 || !MAGIC.every((b, i) => bytes[n - 4 + i] === b)) {
    throw badParquet(name, 'it does not end with PAR1, so its footer is missing');
  }
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(bytes);
  } catch (err) {
    throw badParquet(
      name,
      `its footer could not be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const totalRows = Number(metadata.num_rows);
  const pandasIndex = unnamedPandasIndex(
    metadata.key_value_metadata?.find((kv) => kv.key === 'pandas')?.value,
  );
  const allColumns = parquetSchema(metadata).children;
  const columnsTree = allColumns.filter((node) => !pandasIndex.has(node.element.name));
  if (columnsTree.length === 0) throw new BenchtopError('no-columns', `${name} has no columns.`);
  if (totalRows === 0) {
    throw new BenchtopError(
      'no-rows',
      `${name} has a schema but no rows. Choose a file that holds data.`,
    );
  }
  const rows = Math.min(totalRows, limits.maxRows ?? Infinity);
  const notes: string[] = [];
  if (columnsTree.length < allColumns.length) notes.push(PANDAS_INDEX_NOTE);
  const classes = columnsTree.map((node) => valueClass(node, name));
  for (const c of classes) if (c.note) notes.push(c.note);

  // Decode row group by row group, so a cancel or progress update can happen in between.
  const chunks = new Map<string, ColumnData[]>();
  // Node's Buffer.slice is a view over a shared pool: copy through Uint8Array's own slice.
  const file = {
    byteLength: n,
    slice: (start: number, end?: number) =>
      Uint8Array.prototype.slice.call(bytes, start, end).buffer,
  };
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    if (groupStart >= rows) break;
    const groupRows = Number(group.num_rows);
    const groupEnd = Math.min(groupStart + groupRows, rows);
    if (options.isCancelled?.()) throw cancelled();
    try {
      await parquetRead({
        file,
        metadata,
        compressors,
        parsers: PARSERS,
        columns: columnsTree.map((node) => node.element.name),
        rowStart: groupStart,
        rowEnd: groupEnd,
        onChunk: (chunk) => {
          const list = chunks.get(chunk.columnName);
          if (list) list.push(chunk);
          else chunks.set(chunk.columnName, [chunk]);
        },
      });
    } catch (err) {
      const detail = messageOf(err);
      const codec = /unsupported compression codec: (\w+)/.exec(detail);
      if (codec) {
        throw new BenchtopError(
          'bad-parquet',
          `${name} uses ${codec[1]} compression, which Benchtop cannot read. Save it with SNAPPY, GZIP or ZSTD compression.`,
          { cause: detail },
        );
      }
      throw badParquet(
        name,
        `row group starting at row ${groupStart + 1} could not be decoded: ${detail}`,
      );
    }
    groupStart += groupRows;
    options.onProgress?.({ phase: 'parsing', done: Math.min(groupStart, rows), total: rows });
  }
  if (options.isCancelled?.()) throw cancelled();

  const { names, renamed } = uniqueNames(columnsTree.map((c) => c.element.name));
  const columns: BuiltColumn[] = columnsTree.map((node, i) => {
    const values = assemble(chunks.get(node.element.name) ?? [], 0, rows);
    const built = columnFromValues(names[i], values, classes[i].cls, notes);
    if (names[i] !== node.element.name) built.schema.sourceName = node.element.name;
    return built;
  });
  options.onProgress?.({ phase: 'building', done: rows, total: rows });
  const table = buildTable(columns);
  if (rows < totalRows) notes.push(`Read the first ${rows} of ${totalRows} rows of ${name}.`);

  const report: IngestReport = {
    format: 'parquet',
    rows,
    columns: columns.length,
    renamedHeaders: renamed,
    raggedRows: { count: 0, lines: [], expected: columns.length, examples: [] },
    strayValues: {},
    notes,
  };
  return applyKindOverrides(
    { table, schema: columns.map((c) => c.schema), report },
    options.kinds,
    (row) => row + 1,
  );
}
