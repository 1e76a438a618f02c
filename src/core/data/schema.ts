// Column kinds and the dataset schema: what every later stage (profile, steps, models) keys on.

/** The kind of a column, as a practitioner thinks of it (not its storage type). */
export type ColumnKind = 'integer' | 'number' | 'boolean' | 'date' | 'categorical' | 'text';

export const COLUMN_KINDS: readonly ColumnKind[] = [
  'integer',
  'number',
  'boolean',
  'date',
  'categorical',
  'text',
];

export interface ColumnSchema {
  /** Unique name in the table (after duplicate header names were made unique). */
  name: string;
  kind: ColumnKind;
  /** The header as written in the file, when it differs from `name` (duplicates, blanks). */
  sourceName?: string;
  /** Numeric text format the values were read with, when not plain ('1,234.5', '1.234,5'). */
  numberFormat?: NumberFormat;
}

/**
 * How numbers are written in a text column. `plain` is `1234.5`; `decimal-comma` is `1234,5`;
 * `thousands-comma` is `1,234.5`; `thousands-dot` is `1.234,5`; `thousands-space` is `1 234,5`.
 */
export type NumberFormat =
  'plain' | 'decimal-comma' | 'thousands-comma' | 'thousands-dot' | 'thousands-space';

/** Arrow field metadata key under which a column's kind is stored, so IPC bytes carry it. */
export const KIND_METADATA_KEY = 'benchtop:kind';
