// The checks every preparation step must pass (DESIGN.md §2), written once and run over every
// registered step by steps.test.ts, the way imbalanced-learn runs its estimator checks. Each check
// takes a step definition and one of its examples and throws (a Vitest assertion) when the step
// breaks the contract. tests/unit/steps/conformance-self.test.ts feeds deliberately broken steps
// through the same checks to prove each one can fail.
import { expect } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import {
  frameFromTable,
  frameRow,
  frameSchema,
  frameToTable,
  isNumericColumn,
  makeFrame,
  numericColumn,
  stringColumn,
  takeRows,
  type Frame,
  type FrameColumn,
} from '../../src/core/data/frame';
import type { ColumnKind } from '../../src/core/data/schema';
import {
  applySteps,
  applyToRow,
  decodeFitted,
  encodeFitted,
  fitSteps,
  stepInputs,
  type StepDefinition,
  type StepExample,
} from '../../src/core/steps';

export interface Check {
  name: string;
  run(def: StepDefinition, example: StepExample): void;
}

const SEED = 20240601;

function fit(def: StepDefinition, example: StepExample, frame = example.frame()) {
  const r = fitSteps(frame, [{ kind: def.kind, params: example.params }], SEED);
  return { fitted: r.fitted, out: r.frame, frame };
}

/** Every cell of a frame as plain values, for comparisons that ignore category order. */
function cells(frame: Frame) {
  return { schema: frameSchema(frame), rows: frame.rows, data: rowsOf(frame) };
}

function rowsOf(frame: Frame) {
  return Array.from({ length: frame.rows }, (_, i) => frameRow(frame, i));
}

/** Runs `fn`, expecting a BenchtopError whose message names `column` in quotes. */
function expectErrorNaming(fn: () => unknown, column: string, what: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `${what}: expected an error`).toBeInstanceOf(BenchtopError);
  expect((caught as BenchtopError).message, what).toContain(`'${column}'`);
  expect((caught as BenchtopError).code, what).not.toBe('internal');
}

function without(frame: Frame, name: string): Frame {
  return makeFrame(
    frame.columns.filter((c) => c.name !== name),
    frame.rows,
  );
}

function replaced(frame: Frame, column: FrameColumn): Frame {
  return makeFrame(
    frame.columns.map((c) => (c.name === column.name ? column : c)),
    frame.rows,
  );
}

/** A column named `name` whose kind the step does not accept, or null when it accepts every kind. */
function wrongKindColumn(
  name: string,
  kinds: readonly ColumnKind[],
  rows: number,
): FrameColumn | null {
  if (!kinds.includes('categorical')) {
    return stringColumn(
      name,
      'categorical',
      Array.from({ length: rows }, (_, i) => `v${i % 3}`),
    );
  }
  if (!kinds.includes('number')) {
    return numericColumn(
      name,
      'number',
      Array.from({ length: rows }, (_, i) => i * 1.5),
    );
  }
  return null;
}

/** True when a state holds only JSON values and typed arrays, in plain objects and arrays. */
function isPlainState(v: unknown): boolean {
  if (v === null || ['boolean', 'number', 'string'].includes(typeof v)) return true;
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView);
  if (Array.isArray(v)) return v.every(isPlainState);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v as object).every(isPlainState);
  return false;
}

function missingCount(c: FrameColumn): number {
  let n = 0;
  if (isNumericColumn(c)) for (const x of c.values) n += Number.isNaN(x) ? 1 : 0;
  else for (const x of c.codes) n += x < 0 ? 1 : 0;
  return n;
}

function infiniteCount(c: FrameColumn): number {
  let n = 0;
  if (isNumericColumn(c)) for (const x of c.values) n += x === Infinity || x === -Infinity ? 1 : 0;
  return n;
}

/** The frame invariants every step output must keep (see src/core/data/frame.ts). */
function expectWellFormed(frame: Frame): void {
  const names = new Set<string>();
  for (const c of frame.columns) {
    expect(names.has(c.name), `duplicate column '${c.name}'`).toBe(false);
    names.add(c.name);
    if (isNumericColumn(c)) {
      expect(c.values, c.name).toBeInstanceOf(Float64Array);
      expect(c.values.length, c.name).toBe(frame.rows);
      for (const x of c.values) {
        if (Number.isNaN(x)) continue;
        if (c.kind === 'integer' && Number.isFinite(x))
          expect(Number.isInteger(x), `integer column '${c.name}' holds ${x}`).toBe(true);
        if (c.kind === 'boolean')
          expect(x === 0 || x === 1, `boolean column '${c.name}' holds ${x}`).toBe(true);
      }
    } else {
      expect(c.codes, c.name).toBeInstanceOf(Int32Array);
      expect(c.codes.length, c.name).toBe(frame.rows);
      expect(new Set(c.categories).size, `categories of '${c.name}' repeat`).toBe(
        c.categories.length,
      );
      for (const code of c.codes) {
        expect(code >= -1 && code < c.categories.length, `code ${code} in '${c.name}'`).toBe(true);
      }
    }
  }
}

export const CHECKS: Check[] = [
  {
    name: 'the example is valid for the step',
    run(def, example) {
      const frame = example.frame();
      expect(def.validate({ ...def.defaults, ...example.params }, frameSchema(frame))).toEqual([]);
      expect(frame.rows).toBeGreaterThan(0);
    },
  },
  {
    name: 'fit and transform never mutate their inputs',
    run(def, example) {
      const frame = example.frame();
      const before = structuredClone(frame);
      const params = structuredClone(example.params);
      const { fitted, out } = fit(def, example, frame);
      const stateBefore = structuredClone(fitted[0].state);
      applySteps(frame, fitted, { inference: false });
      applySteps(frame, fitted, { inference: true });
      expect(frame).toEqual(before);
      expect(example.params).toEqual(params);
      expect(fitted[0].state).toEqual(stateBefore);
      // The output may share untouched columns with the input, but must not alias a changed one.
      for (const c of out.columns) {
        const input = frame.columns.find((x) => x.name === c.name);
        if (input && input !== c) {
          if (isNumericColumn(c) && isNumericColumn(input))
            expect(c.values === input.values, c.name).toBe(false);
          if (!isNumericColumn(c) && !isNumericColumn(input))
            expect(c.codes === input.codes, c.name).toBe(false);
        }
      }
    },
  },
  {
    name: 'the fitted state is plain JSON plus typed arrays',
    run(def, example) {
      const { fitted } = fit(def, example);
      expect(isPlainState(fitted[0].state)).toBe(true);
      expect(isPlainState(fitted[0].spec)).toBe(true);
    },
  },
  {
    name: 'a structuredClone of the fitted step transforms identically',
    run(def, example) {
      const { fitted, frame } = fit(def, example);
      const copy = structuredClone(fitted);
      expect(copy).toEqual(fitted);
      for (const inference of [false, true]) {
        expect(cells(applySteps(frame, copy, { inference }))).toEqual(
          cells(applySteps(frame, fitted, { inference })),
        );
      }
    },
  },
  {
    name: 'the JSON form of the fitted step restores it exactly',
    run(def, example) {
      const { fitted, frame } = fit(def, example);
      const text = JSON.stringify(fitted.map(encodeFitted));
      const restored = (JSON.parse(text) as unknown[]).map(decodeFitted);
      expect(restored).toEqual(fitted);
      for (const inference of [false, true]) {
        expect(cells(applySteps(frame, restored, { inference }))).toEqual(
          cells(applySteps(frame, fitted, { inference })),
        );
      }
    },
  },
  {
    name: 'fitting twice with one seed gives the same state',
    run(def, example) {
      const a = fit(def, example);
      const b = fit(def, example);
      expect(b.fitted).toEqual(a.fitted);
      expect(cells(b.out)).toEqual(cells(a.out));
    },
  },
  {
    name: 'the output schema is the transformed frame’s, and the output is well formed',
    run(def, example) {
      const { fitted, out, frame } = fit(def, example);
      expect(frameSchema(out)).toEqual(fitted[0].outputSchema);
      expect(fitted[0].inputSchema).toEqual(frameSchema(frame));
      expectWellFormed(out);
      for (const inference of [false, true]) {
        const again = applySteps(frame, fitted, { inference });
        expectWellFormed(again);
        if (!(inference && def.role === 'filter'))
          expect(frameSchema(again)).toEqual(fitted[0].outputSchema);
      }
      // Stored through Arrow in Benchtop's storage convention and read back, nothing changes.
      expect(cells(frameFromTable(frameToTable(out)))).toEqual(cells(out));
    },
  },
  {
    name: 'no infinity appears, and no column gains missing values',
    run(def, example) {
      const { out, frame } = fit(def, example);
      const inputInf = frame.columns.reduce((n, c) => n + infiniteCount(c), 0);
      if (inputInf === 0) for (const c of out.columns) expect(infiniteCount(c), c.name).toBe(0);
      for (const c of out.columns) {
        const input = frame.columns.find((x) => x.name === c.name);
        if (input) expect(missingCount(c), c.name).toBeLessThanOrEqual(missingCount(input));
      }
    },
  },
  {
    name: 'batch transform equals row-by-row transform (applyToRow)',
    run(def, example) {
      const { fitted, frame } = fit(def, example);
      const batch = applySteps(frame, fitted, { inference: true });
      expect(batch.rows).toBe(frame.rows);
      for (let i = 0; i < frame.rows; i++) {
        expect(applyToRow(frameRow(frame, i), fitted), `row ${i}`).toEqual(frameRow(batch, i));
      }
    },
  },
  {
    name: 'rows are transformed independently of the other rows and their order',
    run(def, example) {
      const { fitted, frame } = fit(def, example);
      if (def.role !== 'transform') return;
      const order = Array.from({ length: frame.rows }, (_, i) => frame.rows - 1 - i);
      const subset = order.filter((_, k) => k % 2 === 0);
      const whole = applySteps(frame, fitted, { inference: true });
      for (const idx of [order, subset]) {
        const part = applySteps(takeRows(frame, idx), fitted, { inference: true });
        expect(frameSchema(part)).toEqual(fitted[0].outputSchema);
        expect(rowsOf(part)).toEqual(rowsOf(takeRows(whole, idx)));
      }
    },
  },
  {
    name: 'filter steps run while fitting only',
    run(def, example) {
      const { fitted, frame, out } = fit(def, example);
      const atInference = applySteps(frame, fitted, { inference: true });
      if (def.role === 'filter') {
        expect(atInference).toBe(frame);
        expect(out.rows).toBeLessThanOrEqual(frame.rows);
      } else {
        expect(out.rows).toBe(frame.rows);
        expect(cells(atInference)).toEqual(cells(out));
      }
    },
  },
  {
    name: 'a column that is not there is an error naming it (fit and transform)',
    run(def, example) {
      const { fitted, frame } = fit(def, example);
      const inputs = stepInputs(def, { ...def.defaults, ...example.params });
      expect(inputs.length, 'the example reads no column').toBeGreaterThan(0);
      for (const { column } of inputs) {
        const gone = without(frame, column);
        expectErrorNaming(
          () => fitSteps(gone, [{ kind: def.kind, params: example.params }], SEED),
          column,
          `fit without '${column}'`,
        );
        expectErrorNaming(
          () => applySteps(gone, fitted, { inference: false }),
          column,
          `transform without '${column}'`,
        );
      }
    },
  },
  {
    name: 'a column of the wrong kind is an error naming it (fit and transform)',
    run(def, example) {
      const { fitted, frame } = fit(def, example);
      for (const { column, kinds } of stepInputs(def, { ...def.defaults, ...example.params })) {
        const wrong = wrongKindColumn(column, kinds, frame.rows);
        if (!wrong) continue;
        const bad = replaced(frame, wrong);
        expectErrorNaming(
          () => fitSteps(bad, [{ kind: def.kind, params: example.params }], SEED),
          column,
          `fit with '${column}' as ${wrong.kind}`,
        );
        expectErrorNaming(
          () => applySteps(bad, fitted, { inference: false }),
          column,
          `transform with '${column}' as ${wrong.kind}`,
        );
      }
    },
  },
  {
    name: 'no rows: fitting is a clear error, transforming gives no rows',
    run(def, example) {
      const { fitted, frame } = fit(def, example);
      const empty = takeRows(frame, []);
      let caught: unknown = null;
      try {
        fitSteps(empty, [{ kind: def.kind, params: example.params }], SEED);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(BenchtopError);
      expect((caught as BenchtopError).code).toBe('no-rows');
      const out = applySteps(empty, fitted, { inference: false });
      expect(out.rows).toBe(0);
      expect(frameSchema(out)).toEqual(fitted[0].outputSchema);
    },
  },
  {
    name: 'settings the step does not have are refused',
    run(def, example) {
      const frame = example.frame();
      const problems = def.validate(
        { ...def.defaults, ...example.params, noSuchSetting: 1 },
        frameSchema(frame),
      );
      expect(problems.join(' ')).toContain("'noSuchSetting'");
    },
  },
];
