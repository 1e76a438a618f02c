// Shapes of a dataset profile: per-column statistics, plots' data and warnings. Pure data (JSON),
// stored with the dataset in IndexedDB and printed by `benchtop profile --json`.
import type { ColumnKind } from './schema';

export type WarningCode =
  | 'constant'
  | 'id-like'
  | 'mostly-missing'
  | 'all-missing'
  | 'stray-values'
  | 'high-cardinality'
  | 'ragged-rows'
  | 'renamed-headers';

export interface ProfileWarning {
  code: WarningCode;
  /** The column it is about; absent for dataset-wide warnings. */
  column?: string;
  message: string;
  /** 1-based file lines that show the problem (stray values, ragged rows), first few only. */
  lines?: number[];
}

export interface Histogram {
  /** bins + 1 edges; counts[i] counts values in [edges[i], edges[i+1]) (last bin closed). */
  edges: number[];
  counts: number[];
}

export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Distinct non-missing values. */
  unique: number;
  /** Numbers, integers and dates (epoch ms); booleans as 0/1. null when no values. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation (n - 1), as pandas. null for fewer than 2 values. */
  std: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  /** Most frequent values, most frequent first (categorical, text, boolean; up to 10). */
  top: { value: string; count: number }[];
  histogram: Histogram | null;
}

export interface DatasetProfile {
  rows: number;
  cols: number;
  columns: ColumnProfile[];
  warnings: ProfileWarning[];
}
