// JSON form of fitted steps, for recipes and model bundles. Plain JSON cannot hold typed arrays,
// NaN or ±Infinity (JSON.stringify writes null), so they are tagged:
//   Float64Array [1, NaN]  -> {"$typed": "Float64Array", "data": [1, "NaN"]}
//   NaN / ±Infinity / -0   -> {"$number": "NaN"} outside typed arrays; "NaN", "Infinity",
//                              "-Infinity", "-0" inside a typed array's data
// decode(encode(x)) restores x exactly (same array types, same bits for every double).
import { BenchtopError } from '../errors';
import { COLUMN_KINDS, type ColumnSchema } from '../data/schema';
import type { FittedStep, JsonObject, JsonValue, StateValue, StepState, TypedArray } from './types';

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;

function typedName(v: unknown): TypedName | null {
  if (!ArrayBuffer.isView(v)) return null;
  for (const name of Object.keys(TYPED) as TypedName[]) if (v instanceof TYPED[name]) return name;
  return null;
}

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return null;
}

function damaged(what: string): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `The saved step is damaged (${what}). Fit the recipe again to replace it.`,
  );
}

function fromSpecial(s: string): number {
  switch (s) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      throw damaged(`'${s}' is not a number`);
  }
}

/** State -> plain JSON (see the header for the tags). */
export function encodeState(value: StateValue): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    const s = special(value);
    return s === null ? value : { $number: s };
  }
  const typed = typedName(value);
  if (typed) {
    const arr = value as TypedArray;
    const data: (number | string)[] = new Array<number | string>(arr.length);
    for (let i = 0; i < arr.length; i++) data[i] = special(arr[i]) ?? arr[i];
    return { $typed: typed, data };
  }
  if (Array.isArray(value)) return value.map(encodeState);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value as { [key: string]: StateValue }))
    out[k] = encodeState(v);
  return out;
}

/** Plain JSON -> state; throws a BenchtopError for tags it does not know. */
export function decodeState(value: JsonValue): StateValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeState);
  if ('$number' in value) {
    if (typeof value.$number !== 'string') throw damaged('a tagged number is not text');
    return fromSpecial(value.$number);
  }
  if ('$typed' in value) {
    const name = value.$typed;
    const data = value.data;
    if (typeof name !== 'string' || !(name in TYPED))
      throw damaged(`unknown array type '${String(name)}'`);
    if (!Array.isArray(data)) throw damaged('an array has no data');
    const out = new TYPED[name as TypedName](data.length);
    for (let i = 0; i < data.length; i++) {
      const x = data[i];
      if (typeof x === 'number') out[i] = x;
      else if (typeof x === 'string') out[i] = fromSpecial(x);
      else throw damaged('an array holds something that is not a number');
    }
    return out;
  }
  const out: { [key: string]: StateValue } = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeState(v);
  return out;
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function schemaOf(v: unknown, what: string): ColumnSchema[] {
  if (!Array.isArray(v)) throw damaged(`${what} is not a list of columns`);
  return v.map((c: unknown) => {
    if (!isObject(c) || typeof c.name !== 'string' || !COLUMN_KINDS.includes(c.kind as never))
      throw damaged(`${what} has a column without a name or a known kind`);
    return { name: c.name, kind: c.kind as ColumnSchema['kind'] };
  });
}

/** A fitted step as JSON: `JSON.stringify(encodeFitted(f))` is what recipes and bundles store. */
export function encodeFitted(fitted: FittedStep): JsonObject {
  return {
    spec: { kind: fitted.spec.kind, params: fitted.spec.params },
    state: encodeState(fitted.state),
    inputSchema: fitted.inputSchema.map((c) => ({ name: c.name, kind: c.kind })),
    outputSchema: fitted.outputSchema.map((c) => ({ name: c.name, kind: c.kind })),
  };
}

/** Reads back what encodeFitted wrote, checking its shape (not the step's own state: see registry). */
export function decodeFitted(json: unknown): FittedStep {
  if (!isObject(json)) throw damaged('it is not a JSON object');
  const spec = json.spec;
  if (!isObject(spec) || typeof spec.kind !== 'string' || !isObject(spec.params))
    throw damaged('it has no step kind and settings');
  if (!isObject(json.state)) throw damaged('it has no fitted state');
  const state = decodeState(json.state as JsonValue);
  return {
    spec: { kind: spec.kind, params: spec.params as JsonObject },
    state: state as StepState,
    inputSchema: schemaOf(json.inputSchema, 'its input'),
    outputSchema: schemaOf(json.outputSchema, 'its output'),
  };
}
