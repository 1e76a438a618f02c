// Model settings: every model declares its settings once (ModelParamSpec, like the steps'
// ParamSpec) with defaults; recipe / CLI JSON is checked against them here, so a typo or an
// out-of-range value is a message naming the setting, and a fitted spec always holds every
// setting (a bundle replays the same model even if a later version changes a default).
import { BenchtopError } from '../errors';
import type { JsonObject, JsonValue } from '../steps/types';
import type { ModelParamSpec } from './types';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function rangeText(min: number | undefined, max: number | undefined, exclusive?: boolean) {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  if (min !== undefined) return `${exclusive ? 'above' : 'at least'} ${min}`;
  return `${exclusive ? 'below' : 'at most'} ${max}`;
}

function checkOne(key: string, spec: ModelParamSpec, v: JsonValue): string | null {
  switch (spec.type) {
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `'${key}' must be a number.`;
      if (spec.integer && !Number.isInteger(v)) return `'${key}' must be a whole number.`;
      const low = spec.min !== undefined && (spec.exclusive ? v <= spec.min : v < spec.min);
      const high = spec.max !== undefined && (spec.exclusive ? v >= spec.max : v > spec.max);
      if (low || high)
        return `'${key}' must be ${rangeText(spec.min, spec.max, spec.exclusive)} (it is ${v}).`;
      return null;
    }
    case 'boolean':
      return typeof v === 'boolean' ? null : `'${key}' must be true or false.`;
    case 'choice':
      return typeof v === 'string' && spec.options.includes(v)
        ? null
        : `'${key}' must be one of ${spec.options.map((o) => `'${o}'`).join(', ')}.`;
    case 'integers': {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x)))
        return `'${key}' must be a list of whole numbers, e.g. [100] or [64, 32].`;
      if (v.length === 0 || v.length > spec.maxLength)
        return `'${key}' must list between 1 and ${spec.maxLength} numbers (it lists ${v.length}).`;
      const bad = (v as number[]).find((x) => x < spec.min || x > spec.max);
      if (bad !== undefined)
        return `every number in '${key}' must be between ${spec.min} and ${spec.max} (one is ${bad}).`;
      return null;
    }
  }
}

/**
 * Human messages for everything wrong with `params` (unknown settings, wrong types, out of
 * range). Missing settings are not a problem: they take their defaults.
 */
export function checkModelParams(
  specs: Readonly<Record<string, ModelParamSpec>>,
  params: unknown,
): string[] {
  if (!isObject(params)) return ['its settings must be a JSON object.'];
  const out: string[] = [];
  for (const key of Object.keys(params)) {
    if (!(key in specs))
      out.push(`it has no setting '${key}' (its settings are ${Object.keys(specs).join(', ')}).`);
  }
  for (const [key, spec] of Object.entries(specs)) {
    const v = params[key];
    if (v === undefined) continue;
    const problem = checkOne(key, spec, v);
    if (problem) out.push(problem);
  }
  return out;
}

/** `params` over `defaults`, deep-copied so the caller's JSON is never shared or mutated. */
export function fillDefaults<P extends JsonObject>(defaults: P, params: JsonObject): P {
  return JSON.parse(JSON.stringify({ ...defaults, ...params })) as P;
}

export function invalidParams(kindTitle: string, problems: string[]): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `The ${kindTitle} settings are not valid: ${problems.join(' ')}`,
    { problems },
  );
}
