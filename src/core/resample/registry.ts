// The one registry of samplers, keyed by their stable `kind`, and the entry point that runs one:
// `resample(frame, spec, {target, seed})` checks the settings against the sampler's declared
// params (defaults filled in), seeds the RNG and wraps anything unexpected in a BenchtopError.
// The conformance suite (tests/conformance/samplers.test.ts) walks `listSamplers()`.
import { BenchtopError, toBenchtopError } from '../errors';
import type { Frame } from '../data/frame';
import { createRng } from '../rng';
import type { JsonObject, JsonValue } from '../steps/types';
import { classWeightsSampler } from './class-weights';
import { invalidSettings } from './define';
import { randomOver } from './random-over';
import { randomUnder } from './random-under';
import { smote } from './smote';
import { smoteNc } from './smote-nc';
import { tomek } from './tomek';
import type {
  ResampleContext,
  ResampleResult,
  SamplerDefinition,
  SamplerParamSpec,
  SamplerSpec,
} from './types';

const BUILT_IN: SamplerDefinition[] = [
  smote,
  smoteNc,
  randomOver,
  randomUnder,
  tomek,
  classWeightsSampler,
];

const registry = new Map<string, SamplerDefinition>();
for (const def of BUILT_IN) registry.set(def.kind, def);

export function listSamplers(): readonly SamplerDefinition[] {
  return [...registry.values()];
}

export function hasSampler(kind: string): boolean {
  return registry.has(kind);
}

export function getSampler(kind: string): SamplerDefinition {
  const def = registry.get(kind);
  if (!def) {
    throw new BenchtopError(
      'invalid-argument',
      `There is no sampler '${kind}'. The samplers are ${[...registry.keys()].map((k) => `'${k}'`).join(', ')}.`,
      { kind },
    );
  }
  return def;
}

/** What the UI needs to offer a sampler (plain JSON: it can cross postMessage). */
export interface SamplerInfo {
  kind: string;
  role: 'resample';
  family: SamplerDefinition['family'];
  title: string;
  description: string;
  params: Record<string, SamplerParamSpec>;
  defaults: JsonObject;
}

export function describeSamplers(): SamplerInfo[] {
  return listSamplers().map((d) => ({
    kind: d.kind,
    role: d.role,
    family: d.family,
    title: d.title,
    description: d.description,
    params: { ...(d.params as Record<string, SamplerParamSpec>) },
    defaults: structuredClone(d.defaults),
  }));
}

function isObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a sampler spec (a recipe's `sampler`, JSON from a file or the UI) and fills in defaults;
 * an unknown kind or bad settings are a BenchtopError listing every problem.
 */
export function parseSamplerSpec(json: unknown): SamplerSpec {
  if (!isObject(json) || typeof json.kind !== 'string') {
    throw new BenchtopError(
      'invalid-argument',
      `A sampler looks like {"kind": "smote", "params": {"kNeighbors": 5}}; this one has no 'kind'.`,
    );
  }
  const def = getSampler(json.kind);
  const given = json.params ?? {};
  if (!isObject(given)) throw invalidSettings(def.title, ['its settings must be a JSON object.']);
  const params = { ...structuredClone(def.defaults), ...structuredClone(given) };
  const problems = def.validate(params);
  if (problems.length > 0) throw invalidSettings(def.title, problems);
  return { kind: def.kind, params };
}

export interface ResampleOptions {
  target: string;
  seed: number;
  onProgress?: ResampleContext['onProgress'];
  isCancelled?: ResampleContext['isCancelled'];
  /** tfjs-core on the caller's backend, for the neighbour search (see ResampleContext.tf). */
  tf?: ResampleContext['tf'];
  neighbours?: ResampleContext['neighbours'];
  /** See ResampleContext.deferAppended. */
  deferAppended?: boolean;
}

/** Runs a sampler on a frame (a training fold): never mutates it; same seed, same rows. */
export function resample(frame: Frame, spec: unknown, options: ResampleOptions): ResampleResult {
  const parsed = parseSamplerSpec(spec);
  const def = getSampler(parsed.kind);
  const ctx: ResampleContext = {
    seed: options.seed,
    rng: createRng(options.seed),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.isCancelled ? { isCancelled: options.isCancelled } : {}),
    ...(options.tf ? { tf: options.tf } : {}),
    ...(options.neighbours ? { neighbours: options.neighbours } : {}),
    ...(options.deferAppended ? { deferAppended: true } : {}),
  };
  try {
    return def.fitResample(frame, options.target, parsed.params, ctx);
  } catch (err) {
    if (err instanceof BenchtopError) throw err;
    throw toBenchtopError(err, def.title);
  }
}
