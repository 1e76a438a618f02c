// The conformance suite: every check in step-checks.ts, run over every example of every step in
// the registry. A step added to src/core/steps/registry.ts is picked up here with no edit.
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { frameSchema } from '../../src/core/data/frame';
import {
  describeSteps,
  fitSteps,
  getStep,
  listSteps,
  parseStepSpecs,
  type ParamSpec,
} from '../../src/core/steps';
import { CHECKS } from './step-checks';

const steps = listSteps();

describe('the step registry', () => {
  it('holds the built-in steps', () => {
    // A floor, not the full list, so adding a step needs no edit here.
    expect(steps.length).toBeGreaterThanOrEqual(11);
    for (const kind of ['impute.mean', 'scale.standard', 'encode.onehot', 'rows.drop-missing'])
      expect(getStep(kind).kind).toBe(kind);
  });

  it('refuses an unknown step kind with a message about versions', () => {
    expect(() => getStep('scale.quantum')).toThrow(BenchtopError);
    expect(() => getStep('scale.quantum')).toThrow(
      "This recipe uses a step 'scale.quantum' that this version of Benchtop does not know; it may come from a newer version",
    );
    expect(() => parseStepSpecs([{ kind: 'impute.mean' }, { kind: 'scale.quantum' }])).toThrow(
      /^Step 2: This recipe uses a step 'scale.quantum'/,
    );
  });

  it('describes every step as plain JSON for the UI', () => {
    const info = describeSteps();
    expect(info.map((s) => s.kind)).toEqual(steps.map((s) => s.kind));
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });
});

for (const def of steps) {
  describe(def.kind, () => {
    it('is described completely', () => {
      expect(def.kind).toMatch(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);
      expect(['transform', 'filter']).toContain(def.role);
      expect(def.title.length).toBeGreaterThan(0);
      expect(def.description.length).toBeGreaterThan(20);
      // Every default has a declared setting and the reverse; defaults are plain JSON.
      expect(Object.keys(def.params).sort()).toEqual(Object.keys(def.defaults).sort());
      for (const spec of Object.values(def.params) as ParamSpec[]) expect(spec.label).toBeTruthy();
      expect(JSON.parse(JSON.stringify(def.defaults))).toEqual(def.defaults);
      expect(def.examples.length).toBeGreaterThan(0);
    });

    it('refuses its defaults until columns are chosen, naming what is missing', () => {
      const example = def.examples[0];
      const problems = def.validate(def.defaults, frameSchema(example.frame()));
      if (Object.values(def.params).some((p) => (p as ParamSpec).type === 'columns'))
        expect(problems.join(' ')).toMatch(/choose at least one column/);
      expect(() => fitSteps(example.frame(), [{ kind: def.kind, params: {} }], 1)).toThrow(
        BenchtopError,
      );
    });

    for (const example of def.examples) {
      describe(example.name, () => {
        for (const check of CHECKS) it(check.name, () => check.run(def, example));
      });
    }
  });
}
