// The sampler settings form, drawn by the Prepare tab's ParamForm: a sampler's declared settings
// (src/core/resample SamplerParamSpec) become the step form's ParamSpecs. Numbers and choices map
// one to one; a sampling strategy ('auto', a ratio or rows per class) and class weights ('balanced'
// or a weight per class) are typed as text and read back here, so a half-typed value reaches the
// sampler's own check, whose message says what is wrong. Pure: unit-tested in Node.
import { checkSamplerParams } from '../../../core/resample/define';
import { describeSamplers, type SamplerInfo } from '../../../core/resample/registry';
import type { SamplerParamSpec } from '../../../core/resample/types';
import type { StepInfo } from '../../../core/steps/registry';
import type { JsonObject, JsonValue, ParamSpec, StepSpec } from '../../../core/steps/types';

export type { SamplerInfo };

/** Every sampler, in the registry's order (SMOTE, SMOTE-NC, random over, random under, Tomek, weights). */
export function samplerCatalog(): SamplerInfo[] {
  return describeSamplers();
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A sampler setting as a ParamForm field; `labels` (the target's classes) make the examples real. */
export function formParam(spec: SamplerParamSpec, labels: readonly string[] = []): ParamSpec {
  const example = labels.length > 0 ? labels[0] : 'yes';
  switch (spec.type) {
    case 'number':
      return {
        type: 'number',
        label: spec.label,
        ...(spec.help ? { help: spec.help } : {}),
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        ...(spec.max !== undefined ? { max: spec.max } : {}),
        ...(spec.integer ? { integer: true } : {}),
      };
    case 'choice':
      return {
        type: 'choice',
        label: spec.label,
        ...(spec.help ? { help: spec.help } : {}),
        options: spec.options,
      };
    case 'strategy':
      return {
        type: 'string',
        label: spec.label,
        help: `${spec.help ?? ''} Type auto, a ratio such as 0.5, or rows per class as JSON, e.g. {"${example}": 200}.`.trim(),
      };
    case 'weights':
      return {
        type: 'string',
        label: spec.label,
        help: `${spec.help ?? ''} Type balanced, or a weight per class as JSON, e.g. {"${example}": 5}.`.trim(),
      };
  }
}

/** The sampler as ParamForm's StepInfo (it draws number / choice / text fields; no columns). */
export function formInfo(info: SamplerInfo, labels: readonly string[] = []): StepInfo {
  const params: Record<string, ParamSpec> = {};
  for (const [key, spec] of Object.entries(info.params)) params[key] = formParam(spec, labels);
  return {
    kind: info.kind,
    role: 'transform',
    title: info.title,
    description: info.description,
    params,
    defaults: info.defaults,
  };
}

/** The settings as written in the recipe, defaults filled in for the ones not given. */
export function samplerParams(info: SamplerInfo, sampler: JsonObject | null): JsonObject {
  const given = sampler && isObject(sampler.params) ? sampler.params : {};
  return { ...structuredClone(info.defaults), ...given };
}

/** The values the form shows: text for a strategy or weights, the value itself otherwise. */
export function formSpec(info: SamplerInfo, params: JsonObject): StepSpec {
  const shown: JsonObject = {};
  for (const [key, spec] of Object.entries(info.params)) {
    const v = params[key];
    if (spec.type === 'strategy' || spec.type === 'weights') {
      shown[key] =
        v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    } else if (v !== undefined) {
      shown[key] = v;
    }
  }
  return { kind: info.kind, params: shown };
}

/**
 * A value from the form back to the recipe's form: text in a strategy / weights box becomes a
 * number ("0.5"), an object ('{"snow": 200}') or stays a word ("auto", "balanced"); text that
 * is neither stays as typed, and the sampler's check then names the setting.
 */
export function readFormValue(spec: SamplerParamSpec, value: JsonValue): JsonValue {
  if (spec.type !== 'strategy' && spec.type !== 'weights') return value;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}

/** What is wrong with the sampler's settings (the sampler's own messages); empty when it can run. */
export function samplerProblems(
  catalog: readonly SamplerInfo[],
  sampler: JsonObject | null,
): string[] {
  if (!sampler) return [];
  const info = catalog.find((s) => s.kind === sampler.kind);
  if (!info) {
    return [
      `This version of Benchtop has no sampler '${String(sampler.kind)}'; choose another one or None.`,
    ];
  }
  if (sampler.params !== undefined && !isObject(sampler.params)) {
    return ['its settings must be a JSON object.'];
  }
  return checkSamplerParams(info.params, samplerParams(info, sampler));
}
