// The pipeline around the steps: fitting sees only the frame it is given (no leakage from held-out
// rows), filters run while fitting only, recipes' step lists are parsed with clear errors, settings
// get their defaults, fitted steps go to JSON and back (NaN and Infinity included) and replay one
// row exactly as in a batch. Uses seattle-weather.csv read by Benchtop's own CSV reader.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchtopError } from '../../../src/core/errors';
import {
  frameFromTable,
  frameRow,
  makeFrame,
  numericColumn,
  takeRows,
  type Frame,
} from '../../../src/core/data/frame';
import { bytesSource, ingest } from '../../../src/core/ingest/index';
import {
  applySteps,
  applyToRow,
  applyToRows,
  decodeFitted,
  decodeState,
  encodeFitted,
  encodeState,
  fitSteps,
  inferenceSteps,
  parseStepSpecs,
  resolveSpec,
  type StepSpec,
} from '../../../src/core/steps';

let weather: Frame;
beforeAll(async () => {
  const bytes = new Uint8Array(readFileSync('node_modules/vega-datasets/data/seattle-weather.csv'));
  const r = await ingest(bytesSource('seattle-weather.csv', bytes));
  weather = frameFromTable(r.table, r.schema);
});

const RECIPE: StepSpec[] = [
  { kind: 'impute.median', params: { columns: ['precipitation', 'wind'] } },
  {
    kind: 'scale.standard',
    params: { columns: ['precipitation', 'temp_max', 'temp_min', 'wind'] },
  },
  { kind: 'encode.onehot', params: { columns: ['weather'] } },
];

function meanOf(frame: Frame, name: string): number {
  const c = frame.columns.find((x) => x.name === name);
  if (!c || !('values' in c)) throw new Error(name);
  return c.values.reduce((a, b) => a + b, 0) / c.values.length;
}

describe('fitting sees only the rows it is given', () => {
  it('a training fold is standardised on its own statistics; the test fold is only transformed', () => {
    // First two years train, last two test: Seattle's 2012-13 and 2014-15 differ in temperature.
    const half = 731;
    const train = takeRows(
      weather,
      Array.from({ length: half }, (_, i) => i),
    );
    const test = takeRows(
      weather,
      Array.from({ length: weather.rows - half }, (_, i) => half + i),
    );
    const fit = fitSteps(train, RECIPE, 7);
    // On its own training rows the mean is 0 (to rounding); on the held-out rows it is not,
    // because nothing was learned from them.
    expect(Math.abs(meanOf(fit.frame, 'temp_max'))).toBeLessThan(1e-12);
    const held = applySteps(test, fit.fitted, { inference: true });
    expect(Math.abs(meanOf(held, 'temp_max'))).toBeGreaterThan(0.01);
    // Fitting on all rows gives a different state than fitting on the fold.
    const all = fitSteps(weather, RECIPE, 7);
    expect(all.fitted[1].state).not.toEqual(fit.fitted[1].state);
  });
});

describe('a whole recipe on real data', () => {
  it('replays one row exactly as the batch, through JSON and back', () => {
    const { fitted, frame } = fitSteps(weather, RECIPE, 3);
    expect(frame.columns.map((c) => c.name)).toEqual([
      'date',
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
      'weather=drizzle',
      'weather=fog',
      'weather=rain',
      'weather=snow',
      'weather=sun',
    ]);
    const restored = (JSON.parse(JSON.stringify(fitted.map(encodeFitted))) as unknown[]).map(
      decodeFitted,
    );
    for (const i of [0, 1, 500, 1460]) {
      expect(applyToRow(frameRow(weather, i), restored)).toEqual(frameRow(frame, i));
    }
    // A request as JSON text values, with a missing wind and an unseen weather.
    const out = applyToRow(
      { date: '2016-01-01', precipitation: '0', temp_max: 10, temp_min: '2.5', weather: 'hail' },
      restored,
    );
    expect(out['weather=sun']).toBe(false);
    expect(out['weather=rain']).toBe(false);
    expect(typeof out.wind).toBe('number'); // imputed with the median, then scaled
    expect(applyToRows([{ wind: 1 }, { wind: 2 }], restored).rows).toBe(2);
  });

  it('filters remove rows while fitting and are skipped at inference and in bundles', () => {
    const f = makeFrame([
      numericColumn('x', 'number', [1, null, 3, 4]),
      numericColumn('y', 'number', [10, 20, null, 40]),
    ]);
    const specs: StepSpec[] = [
      { kind: 'rows.drop-missing', params: { columns: ['x'] } },
      { kind: 'impute.mean', params: { columns: ['y'] } },
    ];
    const { fitted, frame } = fitSteps(f, specs, 1);
    expect(frame.rows).toBe(3);
    expect(fitted[0].state).toEqual({ rows: 4, dropped: 1 });
    // The mean of y is learned on the kept rows only: (10 + 40) / 2.
    expect(fitted[1].state).toMatchObject({ fill: [25] });
    expect(applySteps(f, fitted, { inference: false }).rows).toBe(3);
    expect(applySteps(f, fitted, { inference: true }).rows).toBe(4);
    expect(inferenceSteps(fitted).map((s) => s.spec.kind)).toEqual(['impute.mean']);
    expect(applyToRow({ x: null, y: null }, fitted)).toEqual({ x: null, y: 25 });
  });
});

describe('recipe step lists', () => {
  it('parses {kind, params} entries and fills defaults without sharing objects', () => {
    const json = JSON.parse(
      '[{"kind":"scale.standard","params":{"columns":["a"]}},{"kind":"encode.ordinal","params":{"columns":["b"]}}]',
    ) as unknown;
    const specs = parseStepSpecs(json);
    expect(specs.map((s) => s.kind)).toEqual(['scale.standard', 'encode.ordinal']);
    const resolved = resolveSpec(specs[0]);
    expect(resolved.params).toEqual({ columns: ['a'], withMean: true, withStd: true });
    expect(resolved.params.columns).not.toBe(specs[0].params.columns);
  });

  it('explains malformed entries', () => {
    expect(() => parseStepSpecs({ steps: [] })).toThrow(
      "The recipe's steps must be a list of steps.",
    );
    expect(() => parseStepSpecs([{ params: {} }])).toThrow("Step 1 of the recipe has no 'kind'");
    expect(() => parseStepSpecs([{ kind: 'scale.standard', params: [1] }])).toThrow(
      "Step 1 of the recipe ('scale.standard') has settings that are not a JSON object.",
    );
    const err = (() => {
      try {
        parseStepSpecs([{ kind: 'impute.mean' }, { kind: 'outliers.magic' }]);
      } catch (e) {
        return e as BenchtopError;
      }
    })();
    expect(err?.details).toMatchObject({ step: 2, kind: 'outliers.magic' });
  });

  it('fitted specs carry every setting, so a changed default cannot change a saved bundle', () => {
    const f = makeFrame([numericColumn('a', 'number', [1, 2, 3])]);
    const params = { columns: ['a'] };
    const { fitted } = fitSteps(f, [{ kind: 'scale.robust', params }], 1);
    expect(fitted[0].spec.params).toEqual({
      columns: ['a'],
      withCentering: true,
      withScaling: true,
      quantileLow: 25,
      quantileHigh: 75,
    });
    expect(params).toEqual({ columns: ['a'] });
  });
});

describe('state JSON encoding', () => {
  it('keeps NaN, ±Infinity, -0 and typed array types, which plain JSON would lose', () => {
    const state = {
      f64: new Float64Array([1.5, NaN, Infinity, -Infinity, -0, 5e-324]),
      i32: new Int32Array([-1, 2147483647]),
      u8: new Uint8Array([0, 255]),
      nested: [{ x: NaN, y: [Infinity, 'text', null, true] }],
    };
    const text = JSON.stringify(encodeState(state));
    const json = JSON.parse(text) as { f64: unknown };
    expect(json.f64).toEqual({
      $typed: 'Float64Array',
      data: [1.5, 'NaN', 'Infinity', '-Infinity', '-0', 5e-324],
    });
    const back = decodeState(JSON.parse(text)) as typeof state;
    expect(back.f64).toBeInstanceOf(Float64Array);
    expect(Object.is(back.f64[4], -0)).toBe(true);
    expect(back.f64[5]).toBe(5e-324);
    expect(back.i32).toBeInstanceOf(Int32Array);
    expect(back.u8).toBeInstanceOf(Uint8Array);
    expect(back).toEqual(state);
  });

  it('refuses damaged input with an actionable message', () => {
    expect(() => decodeState({ $typed: 'BigInt64Array', data: [] })).toThrow(
      "The saved step is damaged (unknown array type 'BigInt64Array')",
    );
    expect(() => decodeState({ $number: 'lots' })).toThrow("'lots' is not a number");
    expect(() => decodeFitted({ spec: { kind: 'scale.standard' } })).toThrow(BenchtopError);
    expect(() =>
      decodeFitted({
        spec: { kind: 'scale.standard', params: {} },
        state: {},
        inputSchema: [{ name: 'a', kind: 'complex' }],
        outputSchema: [],
      }),
    ).toThrow('has a column without a name or a known kind');
  });
});
