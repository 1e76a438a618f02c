// scale.robust: (x - median) / (q75 - q25) per column, as scikit-learn's RobustScaler: quantiles by
// linear interpolation (NumPy's default), a zero quantile range counts as 1 (a constant or mostly
// constant column is only centred, never divided by zero). Outliers barely move the fitted centre
// and scale, unlike scale.standard. Missing values are ignored while fitting and stay missing.
import { makeFrame, numericColumn, replaceColumns, type FrameColumn } from '../data/frame';
import { defineStep, NUMERIC, numericInput } from './define';
import { median, percentile, presentValues, requireValues } from './stats';

type Params = {
  columns: string[];
  withCentering: boolean;
  withScaling: boolean;
  quantileLow: number;
  quantileHigh: number;
};
type State = { center: Float64Array; scale: Float64Array };

const EPS = 2 ** -52;

export const scaleRobust = defineStep<Params, State>({
  kind: 'scale.robust',
  role: 'transform',
  title: 'Scale: robust',
  description:
    'Centres each column on its median and divides by its interquartile range (as scikit-learn’s RobustScaler), so outliers hardly affect the result. Missing values stay missing.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: NUMERIC },
    withCentering: { type: 'boolean', label: 'Subtract the median' },
    withScaling: { type: 'boolean', label: 'Divide by the quantile range' },
    quantileLow: { type: 'number', label: 'Lower quantile (%)', min: 0, max: 100 },
    quantileHigh: { type: 'number', label: 'Upper quantile (%)', min: 0, max: 100 },
  },
  defaults: {
    columns: [],
    withCentering: true,
    withScaling: true,
    quantileLow: 25,
    quantileHigh: 75,
  },
  check(params) {
    return params.quantileLow < params.quantileHigh
      ? []
      : [
          `the lower quantile (${params.quantileLow}) must be below the upper quantile (${params.quantileHigh}).`,
        ];
  },

  fit(frame, params) {
    const n = params.columns.length;
    const center = new Float64Array(n);
    const scale = new Float64Array(n).fill(1);
    params.columns.forEach((name, j) => {
      const values = presentValues(numericInput(frame, name));
      requireValues({ name }, values.length, 'median or quantile range to learn');
      // median and percentile reorder `values`, a copy presentValues made for them.
      if (params.withCentering) center[j] = median(values);
      if (params.withScaling) {
        const range =
          percentile(values, params.quantileHigh) - percentile(values, params.quantileLow);
        scale[j] = range < 10 * EPS ? 1 : range;
      }
    });
    return { center, scale };
  },

  transform(frame, fitted) {
    const { center, scale } = fitted.state;
    const replacements = new Map<string, FrameColumn[]>();
    fitted.spec.params.columns.forEach((name, j) => {
      const input = numericInput(frame, name).values;
      const out = new Float64Array(input.length);
      const c = center[j];
      const s = scale[j];
      for (let i = 0; i < input.length; i++) out[i] = (input[i] - c) / s;
      replacements.set(name, [{ name, kind: 'number', values: out }]);
    });
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'an outlier, a missing value, a mostly constant column',
      params: {
        columns: ['income', 'kids'],
        withCentering: true,
        withScaling: true,
        quantileLow: 25,
        quantileHigh: 75,
      },
      frame: () =>
        makeFrame([
          numericColumn('income', 'number', [31e3, 42e3, null, 38e3, 1.2e6, 29e3, 45e3]),
          numericColumn('kids', 'integer', [0, 0, 0, 0, 0, 3, 0]),
        ]),
    },
    {
      name: '10-90 range without centring',
      params: {
        columns: ['x'],
        withCentering: false,
        withScaling: true,
        quantileLow: 10,
        quantileHigh: 90,
      },
      frame: () => makeFrame([numericColumn('x', 'number', [5, 1, 4, 2, 3, null])]),
    },
  ],
});
