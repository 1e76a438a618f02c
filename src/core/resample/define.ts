// How a sampler file declares itself: `defineSampler` turns a description (settings, fitResample,
// examples) into a SamplerDefinition whose `validate` checks recipe JSON against the declared
// settings, so every sampler reports a bad setting the same way ("'kNeighbors' must be a whole
// number"). Checks that need the data (a class the strategy names, a ratio that would remove rows)
// happen in fitResample, where the class counts are known.
import { BenchtopError } from '../errors';
import type { Frame } from '../data/frame';
import type { JsonObject, JsonValue } from '../steps/types';
import { strategyProblems } from './strategy';
import type {
  ResampleContext,
  ResampleResult,
  SamplerDefinition,
  SamplerExample,
  SamplerKind,
  SamplerParamSpec,
} from './types';

export interface SamplerDescription<P extends JsonObject> {
  kind: SamplerKind;
  family: SamplerDefinition['family'];
  title: string;
  description: string;
  params: { readonly [K in keyof P]: SamplerParamSpec };
  defaults: P;
  fitResample(frame: Frame, target: string, params: P, ctx: ResampleContext): ResampleResult;
  examples: readonly SamplerExample<P>[];
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function weightsProblems(v: JsonValue | undefined, key: string): string[] {
  if (v === 'balanced') return [];
  if (isObject(v)) {
    const out: string[] = [];
    if (Object.keys(v).length === 0) out.push(`'${key}' lists no classes.`);
    for (const [label, w] of Object.entries(v)) {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
        out.push(
          `'${key}' must give a number, 0 or more, for class '${label}' (it is ${JSON.stringify(w)}).`,
        );
      }
    }
    return out;
  }
  return [`'${key}' must be 'balanced' or a weight per class such as {"yes": 5, "no": 1}.`];
}

/** Every problem with `params` against the declared settings; empty when the sampler can run. */
export function checkSamplerParams(
  specs: Record<string, SamplerParamSpec>,
  params: unknown,
): string[] {
  if (!isObject(params)) return ['its settings must be a JSON object.'];
  const out: string[] = [];
  for (const key of Object.keys(params)) {
    if (!(key in specs)) {
      out.push(`it has no setting '${key}' (its settings are ${Object.keys(specs).join(', ')}).`);
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const v = params[key];
    if (v === undefined) {
      out.push(`the setting '${key}' is missing.`);
      continue;
    }
    switch (spec.type) {
      case 'number': {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          out.push(`'${key}' must be a number (it is ${JSON.stringify(v)}).`);
          break;
        }
        if (spec.integer && !Number.isInteger(v))
          out.push(`'${key}' must be a whole number (it is ${v}).`);
        if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
          const range =
            spec.min !== undefined && spec.max !== undefined
              ? `between ${spec.min} and ${spec.max}`
              : spec.min !== undefined
                ? `at least ${spec.min}`
                : `at most ${spec.max}`;
          out.push(`'${key}' must be ${range} (it is ${v}).`);
        }
        break;
      }
      case 'choice':
        if (typeof v !== 'string' || !spec.options.includes(v))
          out.push(
            `'${key}' must be one of ${spec.options.map((o) => `'${o}'`).join(', ')} (it is ${JSON.stringify(v)}).`,
          );
        break;
      case 'strategy':
        out.push(...strategyProblems(v, key));
        break;
      case 'weights':
        out.push(...weightsProblems(v, key));
        break;
    }
  }
  return out;
}

export function defineSampler<P extends JsonObject>(
  d: SamplerDescription<P>,
): SamplerDefinition<P> {
  const specs = d.params as unknown as Record<string, SamplerParamSpec>;
  return {
    kind: d.kind,
    role: 'resample',
    family: d.family,
    title: d.title,
    description: d.description,
    params: d.params,
    defaults: d.defaults,
    validate: (params: JsonObject) => checkSamplerParams(specs, params),
    fitResample: d.fitResample,
    examples: d.examples,
  };
}

/** A BenchtopError listing every problem with a sampler's settings, naming the sampler. */
export function invalidSettings(title: string, problems: string[]): BenchtopError {
  return new BenchtopError('invalid-argument', `${title}: ${problems.join(' ')}`, { problems });
}
