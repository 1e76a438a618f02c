// Class weights instead of resampling: 'balanced' gives class c the weight n / (classes · count_c)
// (scikit-learn's compute_class_weight('balanced')); a dict sets weights per class (others 1, as
// scikit-learn). As a sampler it keeps every row unchanged and attaches the weights (per class and
// per row) to the result; the model fit multiplies each row's loss by its weight.
import { BenchtopError } from '../errors';
import { makeFrame, numericColumn, stringColumn, type Frame } from '../data/frame';
import { defineSampler } from './define';
import { readTarget, type ClassTarget } from './strategy';
import { classCounts } from './shared';
import { ORIGINAL } from './types';

export type ClassWeightSpec = 'balanced' | { [label: string]: number };
export type ClassWeightsParams = { weights: ClassWeightSpec };

/** label -> weight for every class of the target. */
export function classWeights(
  y: ClassTarget,
  weights: ClassWeightSpec,
): { [label: string]: number } {
  const out: { [label: string]: number } = {};
  const n = y.classOf.length;
  const k = y.labels.length;
  if (weights === 'balanced') {
    y.labels.forEach((label, c) => (out[label] = n / (k * y.counts[c])));
    return out;
  }
  for (const label of Object.keys(weights)) {
    if (!y.labels.includes(label)) {
      throw new BenchtopError(
        'invalid-argument',
        `The class weights name class '${label}', which is not in the target '${y.name}' (its classes: ${y.labels.map((l) => `'${l}'`).join(', ')}).`,
        { column: y.name },
      );
    }
  }
  for (const label of y.labels) out[label] = weights[label] ?? 1;
  return out;
}

/** The same from a frame and its target column name. */
export function frameClassWeights(
  frame: Frame,
  target: string,
  weights: ClassWeightSpec,
): { [label: string]: number } {
  return classWeights(readTarget(frame, target), weights);
}

export const classWeightsSampler = defineSampler<ClassWeightsParams>({
  kind: 'class-weights',
  family: 'weights',
  title: 'Class weights',
  description:
    'Keeps every row and weights each class in the model’s loss instead: ‘balanced’ gives class c the weight rows / (classes × rows of c), as scikit-learn’s class_weight="balanced". Nothing is added or removed.',
  params: {
    weights: {
      type: 'weights',
      label: 'Weights',
      help: '\'balanced\', or a weight per class such as {"yes": 5} (classes not listed weigh 1).',
    },
  },
  defaults: { weights: 'balanced' },

  fitResample(frame, target, params) {
    const t = readTarget(frame, target);
    const weights = classWeights(t, params.weights);
    const perClass = t.labels.map((l) => weights[l]);
    const n = frame.rows;
    const sampleWeight = new Float64Array(n);
    for (let i = 0; i < n; i++) sampleWeight[i] = perClass[t.classOf[i]];
    // Nothing changes, so the frame itself is the result: no copy.
    return {
      frame,
      origin: new Uint8Array(n).fill(ORIGINAL),
      source: Int32Array.from({ length: n }, (_, i) => i),
      neighbour: new Int32Array(n).fill(-1),
      gap: new Float64Array(n).fill(NaN),
      classes: classCounts(t, t.counts),
      classWeights: weights,
      sampleWeight,
      notes: [
        `Class weights for the model: ${t.labels.map((l) => `'${l}' ${weights[l].toPrecision(4)}`).join(', ')}. No rows were added or removed.`,
      ],
    };
  },

  examples: [
    {
      name: 'balanced, string target',
      params: { weights: 'balanced' },
      target: 'y',
      frame: () =>
        makeFrame([
          numericColumn('x', 'number', [1, 2, 3, 4, 5, 6, 7, 8]),
          stringColumn('y', 'categorical', ['a', 'a', 'a', 'a', 'a', 'a', 'b', 'b']),
        ]),
    },
    {
      name: 'a weight for one class, integer target',
      params: { weights: { '1': 3 } },
      target: 'y',
      frame: () =>
        makeFrame([
          numericColumn('x', 'number', [1, 2, 3, 4, 5, 6, 7, 8]),
          numericColumn('y', 'integer', [0, 0, 1, 0, 0, 2, 1, 0]),
        ]),
    },
  ],
});
