// What the row filters share (role 'filter': rows.drop-missing, rows.drop-duplicates, the
// outliers.*-drop steps). Each finds the rows to keep its own way; then, alike: the state records
// how many rows the fitting data had and how many were dropped (for the UI to show), and the
// transform keeps those rows, returning the frame itself when nothing is dropped (no copy).
import { takeRows, type Frame } from '../data/frame';
import type { FittedStep } from './types';

export type RowCounts = { rows: number; dropped: number };

/** The counts a filter's state records, from the indices of the rows it keeps. */
export function rowCounts(frame: Frame, kept: Int32Array): RowCounts {
  return { rows: frame.rows, dropped: frame.rows - kept.length };
}

/** The kept rows as a frame: the frame itself when every row is kept. */
export function keepRows(frame: Frame, kept: Int32Array): Frame {
  return kept.length === frame.rows ? frame : takeRows(frame, kept);
}

/**
 * fit and transform of a filter whose kept rows follow from its chosen columns alone (it learns
 * nothing but the counts): `kept` runs on the fitting data to count, and again on each frame.
 */
export function columnsFilter(kept: (frame: Frame, columns: readonly string[]) => Int32Array): {
  fit(frame: Frame, params: { columns: string[] }): RowCounts;
  transform(frame: Frame, fitted: FittedStep<RowCounts, { columns: string[] }>): Frame;
} {
  return {
    fit: (frame, params) => rowCounts(frame, kept(frame, params.columns)),
    transform: (frame, fitted) => keepRows(frame, kept(frame, fitted.spec.params.columns)),
  };
}
