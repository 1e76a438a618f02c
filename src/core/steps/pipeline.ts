// Fitting and replaying a list of steps. `fitSteps` fits each step on the output of the previous
// one, seeing only the frame it is given (cross-validation passes the training fold, so nothing is
// fitted on rows it will be scored on). `applySteps` replays fitted steps; at inference it skips
// filter steps. `applyToRow` sends one row through the transform steps and must equal the batch
// output (the conformance suite checks it for every step): that is what makes replaying fitted
// steps on single rows at inference time valid.
import { BenchtopError, toBenchtopError } from '../errors';
import { createRng } from '../rng';
import {
  findColumn,
  frameFromRows,
  frameRow,
  frameSchema,
  isNumericKind,
  type Frame,
  type Row,
} from '../data/frame';
import type { ColumnSchema } from '../data/schema';
import { stepInputs } from './define';
import { getStep, resolveSpec } from './registry';
import type { FittedStep, StepDefinition, StepSpec } from './types';

/** Runs `fn` for step number `position`, putting "Step 3 (Scale: standard): " before any error. */
function inStep<T>(position: number, kind: string, fn: (def: StepDefinition) => T): T {
  let title = kind;
  try {
    const def = getStep(kind);
    title = def.title;
    return fn(def);
  } catch (err) {
    const prefix = `Step ${position} (${title})`;
    if (err instanceof BenchtopError) {
      if (err.details.step !== undefined) throw err; // already placed
      throw new BenchtopError(err.code, `${prefix}: ${err.message}`, {
        ...err.details,
        step: position,
        kind,
      });
    }
    const wrapped = toBenchtopError(err, prefix);
    throw new BenchtopError(wrapped.code, wrapped.message, {
      ...wrapped.details,
      step: position,
      kind,
    });
  }
}

function invalid(messages: string[]): BenchtopError {
  // Name the first column a message mentions, so callers (the UI) can point at it.
  const column = messages.map((m) => /column '([^']*)'/.exec(m)?.[1]).find((c) => c !== undefined);
  return new BenchtopError('invalid-argument', messages.join(' '), {
    problems: messages,
    ...(column !== undefined ? { column } : {}),
  });
}

/** A different seed per position, so two identical steps in one recipe do not draw the same numbers. */
function stepSeed(seed: number, position: number): number {
  return (seed ^ Math.imul(position, 0x9e3779b1)) >>> 0;
}

/**
 * Before a fitted step transforms a frame: its columns must exist, have a kind it accepts, and be
 * stored the same way (numbers vs categories) as when it was fitted, since its state depends on it.
 */
function checkTransformInput(def: StepDefinition, fitted: FittedStep, frame: Frame): void {
  const problems = def.validate(fitted.spec.params, frameSchema(frame));
  if (problems.length > 0) throw invalid(problems);
  for (const { column } of stepInputs(def, fitted.spec.params)) {
    const now = findColumn(frame, column);
    const then = fitted.inputSchema.find((c) => c.name === column);
    if (now && then && isNumericKind(now.kind) !== isNumericKind(then.kind)) {
      throw invalid([
        `column '${column}' was ${then.kind} when this step was fitted, but is ${now.kind} now.`,
      ]);
    }
  }
}

function transformWith(def: StepDefinition, fitted: FittedStep, frame: Frame): Frame {
  checkTransformInput(def, fitted, frame);
  return def.transform(frame, fitted);
}

/**
 * Fits one step on `frame` and returns it with the frame it produces (filters applied). `position`
 * is the step's 1-based place in the recipe, used in messages and to derive its seed.
 */
export function fitStep(
  frame: Frame,
  spec: StepSpec,
  seed: number,
  position = 1,
): { fitted: FittedStep; frame: Frame } {
  return inStep(position, spec.kind, (def) => {
    const resolved = resolveSpec(spec);
    const inputSchema = frameSchema(frame);
    const problems = def.validate(resolved.params, inputSchema);
    if (problems.length > 0) throw invalid(problems);
    if (frame.rows === 0) {
      throw new BenchtopError(
        'no-rows',
        'there are no rows to learn from (the data is empty, or earlier steps removed every row).',
      );
    }
    const s = stepSeed(seed, position);
    const state = def.fit(frame, resolved.params, { seed: s, rng: createRng(s) });
    const partial: FittedStep = { spec: resolved, state, inputSchema, outputSchema: [] };
    const out = def.transform(frame, partial);
    return { fitted: { ...partial, outputSchema: frameSchema(out) }, frame: out };
  });
}

export interface FitStepsResult {
  fitted: FittedStep[];
  /** The training frame after every step (filters applied): what a sampler or model sees next. */
  frame: Frame;
}

/** Fits every step in order, each on the output of the one before. */
export function fitSteps(frame: Frame, specs: readonly StepSpec[], seed: number): FitStepsResult {
  const fitted: FittedStep[] = [];
  let current = frame;
  specs.forEach((spec, i) => {
    const r = fitStep(current, spec, seed, i + 1);
    fitted.push(r.fitted);
    current = r.frame;
  });
  return { fitted, frame: current };
}

export function isFilter(fitted: FittedStep): boolean {
  return getStep(fitted.spec.kind).role === 'filter';
}

/** The steps a model bundle keeps: filters only ever run while fitting. */
export function inferenceSteps(fitted: readonly FittedStep[]): FittedStep[] {
  return fitted.filter((f) => !isFilter(f));
}

/**
 * Replays fitted steps on a frame. With `inference: true` filter steps are skipped (every row gets
 * a prediction); with `inference: false` they remove rows, as while fitting (e.g. a preview, or
 * `benchtop prepare` writing a training set).
 */
export function applySteps(
  frame: Frame,
  fitted: readonly FittedStep[],
  options: { inference: boolean },
): Frame {
  let current = frame;
  fitted.forEach((f, i) => {
    current = inStep(i + 1, f.spec.kind, (def) => {
      if (options.inference && def.role === 'filter') return current;
      return transformWith(def, f, current);
    });
  });
  return current;
}

/** A plain-JS schema guess for rows when there are no fitted steps to say what the columns are. */
function guessSchema(row: Record<string, unknown>): ColumnSchema[] {
  return Object.entries(row).map(([name, v]) => ({
    name,
    kind: typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'categorical',
  }));
}

/**
 * Rows (e.g. a prediction request) through the transform steps, as a frame. Columns are read with
 * the kinds the first step was fitted on; absent keys are missing values.
 */
export function applyToRows(
  rows: readonly Record<string, unknown>[],
  fitted: readonly FittedStep[],
): Frame {
  const schema =
    fitted.length > 0 ? fitted[0].inputSchema : rows.length > 0 ? guessSchema(rows[0]) : [];
  return applySteps(frameFromRows(rows, schema), fitted, { inference: true });
}

/** One row through the transform steps (filters skipped); equals the same row of the batch output. */
export function applyToRow(row: Record<string, unknown>, fitted: readonly FittedStep[]): Row {
  return frameRow(applyToRows([row], fitted), 0);
}
