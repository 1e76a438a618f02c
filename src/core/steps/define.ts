// How a step file declares itself: `defineStep` turns a description (settings, fit, transform,
// examples) into a StepDefinition whose `validate` checks recipe JSON against the declared
// settings and the columns the step would see, so every step reports bad input the same way.
// Also the small helpers step files share: the columns a step reads, and typed column access.
import { BenchtopError } from '../errors';
import {
  findColumn,
  isNumericColumn,
  type Frame,
  type NumericFrameColumn,
  type StringFrameColumn,
} from '../data/frame';
import type { ColumnKind, ColumnSchema } from '../data/schema';
import type {
  FitContext,
  FittedStep,
  JsonObject,
  JsonValue,
  ParamSpec,
  StepDefinition,
  StepExample,
  StepRole,
  StepState,
} from './types';

export interface StepDescription<P extends JsonObject, S extends StepState> {
  kind: string;
  role: StepRole;
  title: string;
  description: string;
  params: { readonly [K in keyof P]: ParamSpec };
  defaults: P;
  /** Extra checks beyond the declared settings (already valid when this runs). */
  check?(params: P, inputSchema: readonly ColumnSchema[]): string[];
  fit(frame: Frame, params: P, ctx: FitContext): S;
  transform(frame: Frame, fitted: FittedStep<S, P>): Frame;
  examples: readonly StepExample<P>[];
}

const KIND_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export function defineStep<P extends JsonObject, S extends StepState>(
  d: StepDescription<P, S>,
): StepDefinition<P, S> {
  if (!KIND_PATTERN.test(d.kind)) {
    throw new BenchtopError(
      'internal',
      `Step kind '${d.kind}' must be a lowercase dotted name such as 'scale.standard'.`,
    );
  }
  const specs = d.params as unknown as Record<string, ParamSpec>;
  return {
    kind: d.kind,
    role: d.role,
    title: d.title,
    description: d.description,
    params: d.params,
    defaults: d.defaults,
    validate(params: JsonObject, inputSchema: readonly ColumnSchema[]): string[] {
      const problems = checkParams(specs, params, inputSchema);
      if (problems.length > 0 || !d.check) return problems;
      return d.check(params as P, inputSchema);
    },
    fit: d.fit,
    transform: d.transform,
    examples: d.examples,
  };
}

/** Kinds grouped the way messages name them. */
export const NUMERIC: readonly ColumnKind[] = ['integer', 'number', 'boolean', 'date'];
export const CATEGORICAL: readonly ColumnKind[] = ['categorical', 'text'];
export const ANY_KIND: readonly ColumnKind[] = [
  'integer',
  'number',
  'boolean',
  'date',
  'categorical',
  'text',
];

function sameKinds(a: readonly ColumnKind[], b: readonly ColumnKind[]): boolean {
  return a.length === b.length && a.every((k) => b.includes(k));
}

/** "numeric columns (integer, number, boolean or date)" */
export function describeKinds(kinds: readonly ColumnKind[]): string {
  const list =
    kinds.length === 1
      ? kinds[0]
      : `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}`;
  if (sameKinds(kinds, NUMERIC)) return `numeric columns (${list})`;
  if (sameKinds(kinds, CATEGORICAL)) return `categorical or text columns`;
  return `${list} columns`;
}

function columnProblem(
  name: string,
  kinds: readonly ColumnKind[],
  schema: readonly ColumnSchema[],
): string | null {
  const col = schema.find((c) => c.name === name);
  if (!col) return `column '${name}' does not exist any more.`;
  if (!kinds.includes(col.kind))
    return `column '${name}' is ${col.kind}, but this step works on ${describeKinds(kinds)}.`;
  return null;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkParams(
  specs: Record<string, ParamSpec>,
  params: unknown,
  schema: readonly ColumnSchema[],
): string[] {
  if (!isObject(params)) return ['its settings must be a JSON object.'];
  const out: string[] = [];
  for (const key of Object.keys(params)) {
    if (!(key in specs)) {
      out.push(`it has no setting '${key}' (its settings are ${Object.keys(specs).join(', ')}).`);
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const v: JsonValue | undefined = params[key];
    if (v === undefined) {
      out.push(`the setting '${key}' is missing.`);
      continue;
    }
    switch (spec.type) {
      case 'columns': {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
          out.push(`'${key}' must be a list of column names.`);
          break;
        }
        if (v.length === 0) {
          out.push(`choose at least one column for '${key}'.`);
          break;
        }
        const seen = new Set<string>();
        for (const name of v as string[]) {
          if (seen.has(name)) out.push(`column '${name}' is listed twice.`);
          seen.add(name);
          const p = columnProblem(name, spec.kinds, schema);
          if (p) out.push(p);
        }
        break;
      }
      case 'column': {
        if (typeof v !== 'string' || v === '') {
          out.push(`'${key}' must be a column name.`);
          break;
        }
        const p = columnProblem(v, spec.kinds, schema);
        if (p) out.push(p);
        break;
      }
      case 'number': {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          out.push(`'${key}' must be a number.`);
          break;
        }
        if (spec.integer && !Number.isInteger(v)) out.push(`'${key}' must be a whole number.`);
        const low = spec.min !== undefined && (spec.exclusive ? v <= spec.min : v < spec.min);
        const high = spec.max !== undefined && (spec.exclusive ? v >= spec.max : v > spec.max);
        if (low || high) {
          const range =
            spec.min !== undefined && spec.max !== undefined
              ? `between ${spec.min} and ${spec.max}`
              : spec.min !== undefined
                ? `${spec.exclusive ? 'above' : 'at least'} ${spec.min}`
                : `${spec.exclusive ? 'below' : 'at most'} ${spec.max}`;
          out.push(`'${key}' must be ${range} (it is ${v}).`);
        }
        break;
      }
      case 'boolean':
        if (typeof v !== 'boolean') out.push(`'${key}' must be true or false.`);
        break;
      case 'string':
        if (typeof v !== 'string') out.push(`'${key}' must be text.`);
        else if (spec.nonEmpty && v === '') out.push(`'${key}' must not be empty.`);
        break;
      case 'choice':
        if (typeof v !== 'string' || !spec.options.includes(v))
          out.push(`'${key}' must be one of ${spec.options.map((o) => `'${o}'`).join(', ')}.`);
        break;
    }
  }
  return out;
}

/**
 * The columns a step reads, from its 'columns' / 'column' settings, with the kinds each accepts.
 * The pipeline checks them before every fit and transform.
 */
export function stepInputs(
  def: StepDefinition,
  params: JsonObject,
): { column: string; kinds: readonly ColumnKind[] }[] {
  const out: { column: string; kinds: readonly ColumnKind[] }[] = [];
  for (const [key, spec] of Object.entries(def.params as Record<string, ParamSpec>)) {
    const v = params[key];
    if (spec.type === 'columns' && Array.isArray(v)) {
      for (const c of v) if (typeof c === 'string') out.push({ column: c, kinds: spec.kinds });
    } else if (spec.type === 'column' && typeof v === 'string') {
      out.push({ column: v, kinds: spec.kinds });
    }
  }
  return out;
}

/** A column the pipeline already checked; a miss here is a bug in the step, not in the data. */
export function numericInput(frame: Frame, name: string): NumericFrameColumn {
  const c = findColumn(frame, name);
  if (!c || !isNumericColumn(c)) {
    throw new BenchtopError('invalid-argument', `column '${name}' is not a numeric column here.`, {
      column: name,
    });
  }
  return c;
}

export function stringInput(frame: Frame, name: string): StringFrameColumn {
  const c = findColumn(frame, name);
  if (!c || isNumericColumn(c)) {
    throw new BenchtopError(
      'invalid-argument',
      `column '${name}' is not a categorical or text column here.`,
      { column: name },
    );
  }
  return c;
}

/** Maps a frame column's own codes onto a fitted category list (-1 where a value is unknown). */
export function remapCodes(column: StringFrameColumn, fitted: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  fitted.forEach((c, i) => index.set(c, i));
  const remap = new Int32Array(column.categories.length);
  for (let k = 0; k < column.categories.length; k++)
    remap[k] = index.get(column.categories[k]) ?? -1;
  return remap;
}
