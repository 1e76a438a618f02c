// Model specs are JSON from recipes and CLI flags: parseModelSpec fills every default, refuses
// unknown kinds / settings and bad values with messages naming them, and every registered model
// declares exactly the settings it defaults (so the UI can draw a form from the declarations).
import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import { getModel, listModels, modelTask, parseModelSpec } from '../../src/core/models';
import { checkModelParams } from '../../src/core/models/params';

function problem(json: unknown): string {
  try {
    parseModelSpec(json);
  } catch (err) {
    expect(err).toBeInstanceOf(BenchtopError);
    return (err as BenchtopError).message;
  }
  throw new Error('expected parseModelSpec to throw');
}

describe('parseModelSpec', () => {
  it('fills every default (logreg: scikit-learn C=1, L-BFGS)', () => {
    const spec = parseModelSpec({ kind: 'logreg' });
    expect(spec.kind).toBe('logreg');
    expect(spec.params).toMatchObject({ C: 1, optimizer: 'lbfgs', classWeight: 'none' });
    expect(Object.keys(spec.params).sort()).toEqual(
      Object.keys(getModel('logreg').defaults).sort(),
    );
  });

  it('keeps the given settings and does not share or mutate the caller’s JSON', () => {
    const json = { kind: 'mlp', params: { hiddenLayers: [64, 32], activation: 'tanh' } };
    const copy = structuredClone(json);
    const spec = parseModelSpec(json);
    expect(spec.params).toMatchObject({ hiddenLayers: [64, 32], activation: 'tanh', alpha: 1e-4 });
    (spec.params.hiddenLayers as number[]).push(8);
    expect(json).toEqual(copy);
    expect(parseModelSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it('names an unknown model and lists the real ones', () => {
    expect(problem({ kind: 'svm' })).toBe(
      "There is no model 'svm'. The models are 'logreg', 'linear', 'mlp', 'mlp-regressor'.",
    );
    expect(problem({ params: {} })).toMatch(/needs a 'kind'/);
    expect(problem('logreg')).toMatch(/must be a JSON object/);
    expect(problem({ kind: 'logreg', C: 2 })).toMatch(/only 'kind' and 'params'; remove 'C'/);
  });

  it('lists every bad setting in one message', () => {
    const msg = problem({
      kind: 'logreg',
      params: { C: 0, optimiser: 'adam', optimizer: 'newton' },
    });
    expect(msg).toMatch(/^The Logistic regression settings are not valid: /);
    expect(msg).toMatch(/it has no setting 'optimiser'/);
    expect(msg).toMatch(/'C' must be above 0 \(it is 0\)/);
    expect(msg).toMatch(/'optimizer' must be one of 'lbfgs', 'adam', 'sgd'/);
  });

  it('checks lists of layer sizes and whole numbers', () => {
    expect(problem({ kind: 'mlp', params: { hiddenLayers: [] } })).toMatch(
      /'hiddenLayers' must list between 1 and 8 numbers \(it lists 0\)/,
    );
    expect(problem({ kind: 'mlp', params: { hiddenLayers: [10, 0] } })).toMatch(
      /between 1 and 4096 \(one is 0\)/,
    );
    expect(problem({ kind: 'mlp', params: { hiddenLayers: '100' } })).toMatch(
      /list of whole numbers/,
    );
    expect(problem({ kind: 'mlp-regressor', params: { epochs: 2.5 } })).toMatch(
      /'epochs' must be a whole number/,
    );
    expect(problem({ kind: 'linear', params: { alpha: -1 } })).toMatch(
      /'alpha' must be at least 0/,
    );
    expect(problem({ kind: 'mlp', params: { dropout: 0.95 } })).toMatch(
      /'dropout' must be between 0 and 0.9/,
    );
  });
});

describe('the model registry', () => {
  it('has one model per kind with its task', () => {
    expect(listModels().map((m) => [m.kind, m.task])).toEqual([
      ['logreg', 'classification'],
      ['linear', 'regression'],
      ['mlp', 'classification'],
      ['mlp-regressor', 'regression'],
    ]);
    expect(modelTask('mlp-regressor')).toBe('regression');
  });

  it('declares exactly the settings it defaults, and its defaults pass its own checks', () => {
    for (const m of listModels()) {
      expect(Object.keys(m.params).sort(), m.kind).toEqual(Object.keys(m.defaults).sort());
      expect(checkModelParams(m.params, m.defaults), m.kind).toEqual([]);
      expect(m.title.length).toBeGreaterThan(0);
      expect(m.description.length).toBeGreaterThan(20);
    }
  });
});
