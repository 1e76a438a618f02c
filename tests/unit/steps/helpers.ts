// Small helpers the per-step unit tests share: catching a BenchtopError, reading a column or a
// fitted state out of a pipeline result.
import { BenchtopError } from '../../../src/core/errors';
import { frameRow, type Frame, type RowValue } from '../../../src/core/data/frame';
import { fitSteps, type FittedStep, type StepSpec } from '../../../src/core/steps';

export function caught(fn: () => unknown): BenchtopError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BenchtopError) return err;
    throw err;
  }
  throw new Error('expected a BenchtopError');
}

/** A column of a frame as plain values (null = missing, booleans as true / false). */
export function col(frame: Frame, name: string): RowValue[] {
  return Array.from({ length: frame.rows }, (_, i) => frameRow(frame, i)[name]);
}

export function names(frame: Frame): string[] {
  return frame.columns.map((c) => c.name);
}

/** Fits one step (seed 1): its fitted form, its state typed as asked, and the output frame. */
export function fitOne<S>(
  frame: Frame,
  spec: StepSpec,
): { fitted: FittedStep; state: S; out: Frame } {
  const r = fitSteps(frame, [spec], 1);
  return { fitted: r.fitted[0], state: r.fitted[0].state as S, out: r.frame };
}
