// Proves the conformance checks can fail: each deliberately broken step below breaks one rule of
// the step contract, and the matching check in tests/conformance/step-checks.ts must reject it
// (while a correct step passes every check). Registered only in this test file's process.
import { describe, expect, it } from 'vitest';
import {
  findColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  type Frame,
  type FrameColumn,
} from '../../../src/core/data/frame';
import {
  defineStep,
  getStep,
  NUMERIC,
  registerStep,
  type StepDefinition,
} from '../../../src/core/steps';
import { CHECKS } from '../../conformance/step-checks';

type P = { columns: string[] };
const exampleFrame = (): Frame =>
  makeFrame([
    numericColumn('x', 'number', [1, 2, null, 4, 4]),
    numericColumn('k', 'number', [3, 3, 3, 3, 3]),
    stringColumn('c', 'categorical', ['a', 'b', 'a', null, 'c']),
  ]);
const numericOut = (
  frame: Frame,
  names: string[],
  f: (v: Float64Array, name: string) => Float64Array,
  kind: 'number' | 'integer' = 'number',
) =>
  replaceColumns(
    frame,
    new Map<string, FrameColumn[]>(
      names.map((name) => {
        const col = findColumn(frame, name);
        if (!col || !isNumericColumn(col)) throw new Error('test step misused');
        return [name, [{ name, kind, values: f(col.values, name) }]];
      }),
    ),
  );

function brokenStep(
  kind: string,
  fit: (frame: Frame, params: P) => Record<string, never> | { [key: string]: unknown },
  transform: (frame: Frame, state: { [key: string]: unknown }, params: P) => Frame,
): StepDefinition {
  return defineStep<P, { [key: string]: never }>({
    kind,
    role: 'transform',
    title: kind,
    description: 'A deliberately broken step for the conformance self-test.',
    params: { columns: { type: 'columns', label: 'Columns', kinds: NUMERIC } },
    defaults: { columns: [] },
    fit: (frame, params) => fit(frame, params) as { [key: string]: never },
    transform: (frame, fitted) => transform(frame, fitted.state, fitted.spec.params),
    examples: [{ name: 'x and k', params: { columns: ['x', 'k'] }, frame: exampleFrame }],
  }) as unknown as StepDefinition;
}

let counter = 0;
class Box {
  constructor(readonly v: number) {}
}

const BROKEN: { step: StepDefinition; failsCheck: string }[] = [
  {
    // Writes the result into the input array instead of a new one.
    step: brokenStep(
      'broken.mutates',
      () => ({}),
      (frame, _s, p) =>
        numericOut(frame, p.columns, (v) => {
          for (let i = 0; i < v.length; i++) v[i] = v[i] * 2;
          return v;
        }),
    ),
    failsCheck: 'fit and transform never mutate their inputs',
  },
  {
    // Centres on the mean of the rows it is given instead of a fitted mean: not row-independent.
    step: brokenStep(
      'broken.batch-mean',
      () => ({}),
      (frame, _s, p) =>
        numericOut(frame, p.columns, (v) => {
          const present = [...v].filter((x) => !Number.isNaN(x));
          const m = present.reduce((a, b) => a + b, 0) / Math.max(1, present.length);
          return v.map((x) => x - m);
        }),
    ),
    failsCheck: 'batch transform equals row-by-row transform (applyToRow)',
  },
  {
    step: brokenStep(
      'broken.class-state',
      () => ({ box: new Box(1) }),
      (frame) => frame,
    ),
    failsCheck: 'the fitted state is plain JSON plus typed arrays',
  },
  {
    // A Map does not survive JSON, and would not be restored by decodeFitted.
    step: brokenStep(
      'broken.map-state',
      () => ({ m: new Map([['a', 1]]) }),
      (frame) => frame,
    ),
    failsCheck: 'the JSON form of the fitted step restores it exactly',
  },
  {
    step: brokenStep(
      'broken.nondeterministic',
      () => ({ n: counter++ }),
      (frame) => frame,
    ),
    failsCheck: 'fitting twice with one seed gives the same state',
  },
  {
    // Divides by a zero standard deviation on the constant column.
    step: brokenStep(
      'broken.infinity',
      (frame, p) => ({
        std: p.columns.map((name) => {
          const v = (findColumn(frame, name) as { values: Float64Array }).values.filter(
            (x) => !Number.isNaN(x),
          );
          const m = v.reduce((a, b) => a + b, 0) / v.length;
          return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
        }),
      }),
      (frame, s, p) =>
        numericOut(frame, p.columns, (v, name) =>
          v.map((x) => (x + 1) / (s.std as number[])[p.columns.indexOf(name)]),
        ),
    ),
    failsCheck: 'no infinity appears, and no column gains missing values',
  },
  {
    // Claims integers but writes halves.
    step: brokenStep(
      'broken.fake-integers',
      () => ({}),
      (frame, _s, p) => numericOut(frame, p.columns, (v) => v.map((x) => x / 2), 'integer'),
    ),
    failsCheck: 'the output schema is the transformed frame’s, and the output is well formed',
  },
  {
    // One output column per distinct value seen at transform time: the schema depends on the rows.
    step: brokenStep(
      'broken.unstable-schema',
      () => ({}),
      (frame, _s, p) => {
        const col = findColumn(frame, p.columns[0]) as { values: Float64Array };
        const extra = [...new Set(col.values)]
          .filter((x) => !Number.isNaN(x))
          .map((x) =>
            numericColumn(
              `seen=${x}`,
              'boolean',
              [...col.values].map((y) => (y === x ? 1 : 0)),
            ),
          );
        return makeFrame([...frame.columns, ...extra], frame.rows);
      },
    ),
    failsCheck: 'rows are transformed independently of the other rows and their order',
  },
  {
    // Takes a shortcut on an empty frame and forgets to add its output column there.
    step: brokenStep(
      'broken.empty-shortcut',
      () => ({}),
      (frame, _s, p) =>
        frame.rows === 0
          ? frame
          : makeFrame(
              [
                ...frame.columns,
                numericColumn(
                  `${p.columns[0]}_twice`,
                  'number',
                  [...(findColumn(frame, p.columns[0]) as { values: Float64Array }).values].map(
                    (x) => 2 * x,
                  ),
                ),
              ],
              frame.rows,
            ),
    ),
    failsCheck: 'no rows: fitting is a clear error, transforming gives no rows',
  },
];

for (const b of BROKEN) registerStep(b.step);

const byName = (name: string) => {
  const c = CHECKS.find((x) => x.name === name);
  if (!c) throw new Error(`no check named ${name}`);
  return c;
};

describe('the conformance checks catch broken steps', () => {
  for (const { step, failsCheck } of BROKEN) {
    it(`${step.kind} fails "${failsCheck}"`, () => {
      const def = getStep(step.kind);
      expect(() => byName(failsCheck).run(def, def.examples[0])).toThrow();
    });
  }

  it('a correct step passes every check', () => {
    const def = getStep('scale.standard');
    for (const check of CHECKS) for (const ex of def.examples) check.run(def, ex);
  });
});
