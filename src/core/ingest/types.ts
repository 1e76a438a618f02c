// The ingest contract shared by the CSV, Arrow and Parquet readers, the data worker and the CLI.
import type { Table } from 'apache-arrow';
import type { ColumnKind, ColumnSchema } from '../data/schema';

/**
 * A file to read. `chunks()` must be restartable: the CSV reader reads a file twice when it has to
 * (a late non-UTF-8 byte switches the decoder to windows-1252 and starts over).
 */
export interface ByteSource {
  name: string;
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export type FileFormat = 'csv' | 'arrow' | 'parquet';

export interface IngestProgress {
  phase: 'reading' | 'parsing' | 'building' | 'profiling' | 'storing';
  /** Bytes (reading/parsing) or rows (later phases) done so far. */
  done: number;
  total: number;
}

export interface IngestOptions {
  /** Force a format instead of sniffing magic bytes and the file extension. */
  format?: FileFormat;
  /** CSV: force a delimiter instead of sniffing. */
  delimiter?: string;
  /** CSV: force an encoding ('utf-8' | 'windows-1252') instead of detecting it. */
  encoding?: 'utf-8' | 'windows-1252';
  /** Strings read as missing. Default: DEFAULT_MISSING_MARKERS. */
  missingMarkers?: string[];
  /** Per-column kind overrides by column name (the user's type override). */
  kinds?: Record<string, ColumnKind>;
  onProgress?: (p: IngestProgress) => void;
  /** Polled between chunks; when it returns true the reader throws a `cancelled` error. */
  isCancelled?: () => boolean;
}

export const DEFAULT_MISSING_MARKERS: readonly string[] = [
  '',
  'NA',
  'N/A',
  'null',
  'NULL',
  '?',
  'NaN',
  'None',
];

/** A value that did not parse as its column's kind, kept for the profile's warnings. */
export interface StrayValue {
  /** 1-based line number in the file where the row starts (header is line 1). */
  line: number;
  value: string;
}

export interface IngestReport {
  format: FileFormat;
  /** CSV only. */
  encoding?: 'utf-8' | 'windows-1252';
  delimiter?: string;
  hadBom?: boolean;
  rows: number;
  columns: number;
  /** Header names that were blank or repeated, and what they were renamed to. */
  renamedHeaders: { from: string; to: string }[];
  /** Rows whose field count differs from the header's; they are left out, never shifted. */
  raggedRows: {
    count: number;
    lines: number[];
    expected: number;
    examples: { line: number; fields: number }[];
  };
  /** Per column name: values that did not parse as the column's kind (stored as missing). */
  strayValues: Record<string, { count: number; examples: StrayValue[] }>;
  /** Human-readable notes about what the reader decided ("decimal commas in 'price'"). */
  notes: string[];
}

export interface IngestResult {
  table: Table;
  schema: ColumnSchema[];
  report: IngestReport;
}
