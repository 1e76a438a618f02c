// The sampler settings form (sampler-form.ts): every registered sampler's settings become fields
// ParamForm draws, the text a person types becomes the recipe's value, and the sampler's own check
// explains a bad value.
import { describe, expect, it } from 'vitest';
import { parseSamplerSpec } from '../../../core/resample/registry';
import {
  formInfo,
  formSpec,
  readFormValue,
  samplerCatalog,
  samplerParams,
  samplerProblems,
} from './sampler-form';

const catalog = samplerCatalog();
const info = (kind: string) => catalog.find((s) => s.kind === kind)!;

describe('sampler settings form', () => {
  it('offers every sampler of issue 4, in the registry order', () => {
    expect(catalog.map((s) => [s.kind, s.title])).toEqual([
      ['smote', 'SMOTE'],
      ['smote-nc', 'SMOTE-NC'],
      ['random-over', 'Random over-sampling'],
      ['random-under', 'Random under-sampling'],
      ['tomek', 'Tomek links'],
      ['class-weights', 'Class weights'],
    ]);
  });

  it('turns declared settings into ParamForm fields', () => {
    const smote = formInfo(info('smote'), ['snow', 'sun']);
    expect(smote.params.kNeighbors).toEqual({
      type: 'number',
      label: 'Neighbours (k)',
      help: 'How many nearest same-class rows each row may be paired with.',
      min: 1,
      max: 1000,
      integer: true,
    });
    expect(smote.params.samplingStrategy).toMatchObject({ type: 'string', label: 'Balance' });
    expect(smote.params.samplingStrategy.help).toContain('{"snow": 200}');
    expect(formInfo(info('tomek')).params.samplingStrategy).toMatchObject({
      type: 'choice',
      options: ['auto', 'majority', 'all'],
    });
    expect(formInfo(info('class-weights')).params.weights.help).toContain('balanced');
  });

  it('shows the recipe’s values, defaults filled in, strategies as text', () => {
    const smote = info('smote');
    expect(samplerParams(smote, { kind: 'smote', params: { kNeighbors: 3 } })).toEqual({
      kNeighbors: 3,
      samplingStrategy: 'auto',
    });
    expect(
      formSpec(smote, { kNeighbors: 3, samplingStrategy: { snow: 200, fog: 300 } }).params,
    ).toEqual({ kNeighbors: 3, samplingStrategy: '{"snow":200,"fog":300}' });
    expect(formSpec(smote, { kNeighbors: 5, samplingStrategy: 0.5 }).params.samplingStrategy).toBe(
      '0.5',
    );
  });

  it('reads typed text back into the recipe’s value', () => {
    const strategy = info('smote').params.samplingStrategy;
    expect(readFormValue(strategy, ' auto ')).toBe('auto');
    expect(readFormValue(strategy, '0.5')).toBe(0.5);
    expect(readFormValue(strategy, '.25')).toBe(0.25);
    expect(readFormValue(strategy, '{"snow": 200}')).toEqual({ snow: 200 });
    expect(readFormValue(strategy, '{"snow": 2')).toBe('{"snow": 2');
    expect(readFormValue(strategy, '')).toBeNull();
    expect(readFormValue(info('class-weights').params.weights, '{"snow": 5}')).toEqual({
      snow: 5,
    });
    // Numbers and choices are passed through as ParamForm sent them.
    expect(readFormValue(info('smote').params.kNeighbors, 7)).toBe(7);
  });

  it('explains bad settings with the sampler’s own messages; good ones parse', () => {
    expect(samplerProblems(catalog, null)).toEqual([]);
    expect(samplerProblems(catalog, { kind: 'smote', params: { kNeighbors: 5 } })).toEqual([]);
    expect(samplerProblems(catalog, { kind: 'smote', params: { kNeighbors: 0 } })).toEqual([
      "'kNeighbors' must be between 1 and 1000 (it is 0).",
    ]);
    expect(
      samplerProblems(catalog, { kind: 'smote', params: { samplingStrategy: '{"snow": 2' } }),
    ).toEqual([
      `'samplingStrategy' must be 'auto', a ratio minority / majority such as 0.5, or rows per class such as {"yes": 500}.`,
    ]);
    expect(samplerProblems(catalog, { kind: 'smote', params: { kNeighbors: null } })).toEqual([
      "'kNeighbors' must be a number (it is null).",
    ]);
    expect(samplerProblems(catalog, { kind: 'nope', params: {} })[0]).toMatch(/no sampler 'nope'/);
    // What the form writes for a good value is what a recipe accepts.
    const params = {
      ...samplerParams(info('smote'), null),
      samplingStrategy: readFormValue(info('smote').params.samplingStrategy, '{"snow": 200}'),
    };
    expect(parseSamplerSpec({ kind: 'smote', params })).toEqual({
      kind: 'smote',
      params: { kNeighbors: 5, samplingStrategy: { snow: 200 } },
    });
  });
});
