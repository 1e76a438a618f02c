// scale.standard: (x - mean) / std per column, as scikit-learn's StandardScaler (population std,
// ddof = 0). This file is the worked example of a step (CONTRIBUTING.md, "Adding a preparation
// step"): settings declared once, `fit` learns plain typed arrays, `transform` is pure and works row
// by row, `examples` feed the conformance suite.
import {
  makeFrame,
  numericColumn,
  replaceColumns,
  stringColumn,
  type FrameColumn,
} from '../data/frame';
import { defineStep, NUMERIC, numericInput } from './define';
import { momentsOfColumns, requireValues } from './stats';

// Settings are plain JSON; the type alias (not an interface) keeps it assignable to JsonObject.
type Params = { columns: string[]; withMean: boolean; withStd: boolean };
// What fit learns: one entry per column of params.columns, in the same order.
type State = { center: Float64Array; scale: Float64Array };

const EPS = 2 ** -52;

/** (x - center) / scale into a new array; the loop alone in a small function V8 compiles whole. */
function standardize(input: Float64Array, center: number, scale: number): Float64Array {
  const out = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = (input[i] - center) / scale;
  return out;
}

export const scaleStandard = defineStep<Params, State>({
  kind: 'scale.standard',
  role: 'transform',
  title: 'Scale: standard',
  description:
    'Centres each column on its mean and divides by its standard deviation (as scikit-learn’s StandardScaler). A constant column is only centred. Missing values stay missing.',
  // Declared settings: the registry checks recipe JSON against them (unknown keys, wrong types,
  // columns that no longer exist or have the wrong kind) before fit or transform ever run.
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: NUMERIC },
    withMean: { type: 'boolean', label: 'Subtract the mean' },
    withStd: { type: 'boolean', label: 'Divide by the standard deviation' },
  },
  defaults: { columns: [], withMean: true, withStd: true },

  fit(frame, params) {
    const n = params.columns.length;
    const center = new Float64Array(n);
    const scale = new Float64Array(n).fill(1);
    // All columns' moments together (four at a time: see momentsOfColumns), each refused in turn
    // when it has no values, as column-by-column fitting would.
    const stats = momentsOfColumns(
      params.columns.map((name) => numericInput(frame, name)),
      (count, j) =>
        requireValues({ name: params.columns[j] }, count, 'mean or standard deviation to learn'),
    );
    stats.forEach(({ count, mean, variance }, j) => {
      if (params.withMean) center[j] = mean;
      if (params.withStd) {
        // scikit-learn's _is_constant_feature + _handle_zeros_in_scale: a (numerically) constant
        // column gets scale 1 instead of dividing by ~0, so the output is never NaN or Infinity.
        const constant = variance <= count * EPS * variance + (count * mean * EPS) ** 2;
        const std = Math.sqrt(variance);
        scale[j] = constant || std < 10 * EPS ? 1 : std;
      }
    });
    return { center, scale };
  },

  // Row-independent: each output value depends only on the same row's input value and the state.
  transform(frame, fitted) {
    const { center, scale } = fitted.state;
    const replacements = new Map<string, FrameColumn[]>();
    fitted.spec.params.columns.forEach((name, j) => {
      const values = standardize(numericInput(frame, name).values, center[j], scale[j]);
      replacements.set(name, [{ name, kind: 'number', values }]);
    });
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'integers with a missing value, a constant column, a categorical left alone',
      params: { columns: ['age', 'height', 'flat'], withMean: true, withStd: true },
      frame: () =>
        makeFrame([
          numericColumn('age', 'integer', [23, null, 41, 35, 23, 60]),
          numericColumn('height', 'number', [1.62, 1.8, 1.75, 1.9, 1.55, 1.7]),
          numericColumn('flat', 'number', [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
          stringColumn('city', 'categorical', ['Oslo', 'Lima', 'Oslo', null, 'Pune', 'Lima']),
        ]),
    },
    {
      name: 'dates and booleans, scale only',
      params: { columns: ['when', 'member'], withMean: false, withStd: true },
      frame: () =>
        makeFrame([
          numericColumn('when', 'date', [
            Date.UTC(2024, 0, 1),
            Date.UTC(2024, 5, 30),
            null,
            Date.UTC(2023, 11, 31),
          ]),
          numericColumn('member', 'boolean', [1, 0, 1, 1]),
        ]),
    },
  ],
});
