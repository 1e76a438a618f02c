// scale.minmax: maps each column's fitted [min, max] onto a range (default [0, 1]), as
// scikit-learn's MinMaxScaler: x * scale + offset. A constant column gets range 1 (so it maps to
// the low end), never a division by zero. Values outside the fitted range at inference map outside
// the target range unless `clip` is on. Missing values stay missing.
import { makeFrame, numericColumn, replaceColumns, type FrameColumn } from '../data/frame';
import { defineStep, NUMERIC, numericInput } from './define';
import { presentValues, requireValues } from './stats';

type Params = { columns: string[]; min: number; max: number; clip: boolean };
type State = { scale: Float64Array; offset: Float64Array };

const EPS = 2 ** -52;

export const scaleMinmax = defineStep<Params, State>({
  kind: 'scale.minmax',
  role: 'transform',
  title: 'Scale: min-max',
  description:
    'Maps each column from its smallest to its largest value onto a range, 0 to 1 by default (as scikit-learn’s MinMaxScaler). A constant column becomes the low end of the range. Missing values stay missing.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: NUMERIC },
    min: { type: 'number', label: 'Low end of the range' },
    max: { type: 'number', label: 'High end of the range' },
    clip: { type: 'boolean', label: 'Clip new values into the range' },
  },
  defaults: { columns: [], min: 0, max: 1, clip: false },
  check(params) {
    return params.min < params.max
      ? []
      : [`the low end of the range (${params.min}) must be below the high end (${params.max}).`];
  },

  fit(frame, params) {
    const n = params.columns.length;
    const scale = new Float64Array(n);
    const offset = new Float64Array(n);
    params.columns.forEach((name, j) => {
      const column = numericInput(frame, name);
      const v = column.values;
      let lo = Infinity;
      let hi = -Infinity;
      let count = 0;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== x) continue;
        count++;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      requireValues(column, count, 'range to learn');
      if (lo === -Infinity || hi === Infinity) presentValues(column); // throws, naming the row
      // scikit-learn's _handle_zeros_in_scale: a range of (almost) zero counts as 1.
      const range = hi - lo < 10 * EPS ? 1 : hi - lo;
      scale[j] = (params.max - params.min) / range;
      offset[j] = params.min - lo * scale[j];
    });
    return { scale, offset };
  },

  transform(frame, fitted) {
    const { scale, offset } = fitted.state;
    const { min, max, clip } = fitted.spec.params;
    const replacements = new Map<string, FrameColumn[]>();
    fitted.spec.params.columns.forEach((name, j) => {
      const input = numericInput(frame, name).values;
      const out = new Float64Array(input.length);
      const s = scale[j];
      const o = offset[j];
      for (let i = 0; i < input.length; i++) {
        let y = input[i] * s + o;
        if (clip) y = y < min ? min : y > max ? max : y; // NaN fails both tests and stays NaN
        out[i] = y;
      }
      replacements.set(name, [{ name, kind: 'number', values: out }]);
    });
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'default range, a constant column, a missing value',
      params: { columns: ['price', 'same'], min: 0, max: 1, clip: false },
      frame: () =>
        makeFrame([
          numericColumn('price', 'number', [10, 12.5, null, 30, -4]),
          numericColumn('same', 'integer', [7, 7, 7, 7, 7]),
          numericColumn('rooms', 'integer', [1, 2, 3, 2, 1]),
        ]),
    },
    {
      name: 'range -1..1 with clipping',
      params: { columns: ['t'], min: -1, max: 1, clip: true },
      frame: () => makeFrame([numericColumn('t', 'number', [0.5, 2, 3.25, null, 1])]),
    },
  ],
});
