// transform.log: log(1 + x) by default (NumPy's log1p: defined at 0, so counts and amounts with
// zeros work), or the natural log log(x). Compresses long right tails (incomes, prices, counts).
// Values outside the domain (x <= -1 for log1p, x <= 0 for log) are refused by default, with a
// message naming the column, the first bad value and its row; with `invalid: 'missing'` they become
// missing values instead (impute after this step), and the state records how many there were in
// the fitting rows. The same rule applies to every row transformed later, so the result of a row
// never depends on other rows. Nothing else is learned.
import { BenchtopError } from '../errors';
import { makeFrame, numericColumn, replaceColumns, type FrameColumn } from '../data/frame';
import type { ColumnKind } from '../data/schema';
import { defineStep, numericInput } from './define';

type Method = 'log1p' | 'log';
type Invalid = 'error' | 'missing';
type Params = { columns: string[]; method: Method; invalid: Invalid };
type State = { invalid: Int32Array };

const KINDS: readonly ColumnKind[] = ['integer', 'number'];

const DOMAIN: Record<Method, { min: number; text: string }> = {
  log1p: { min: -1, text: 'log(1 + x) needs values above -1' },
  log: { min: 0, text: 'log(x) needs values above 0' },
};

/** The first row (0-based) whose value is outside the domain, or -1. */
function firstInvalid(values: Float64Array, min: number): number {
  for (let i = 0; i < values.length; i++) if (values[i] <= min) return i;
  return -1;
}

function outOfDomain(column: string, method: Method, value: number, row: number): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `column '${column}' has the value ${value} (row ${row + 1}), but ${DOMAIN[method].text}. Shift or clip the column first, choose "make them missing", or leave the column out of this step.`,
    { column, row: row + 1, value },
  );
}

export const transformLog = defineStep<Params, State>({
  kind: 'transform.log',
  role: 'transform',
  title: 'Transform: log',
  description:
    'Takes log(1 + x) (or log x) of each value, to tame long right tails. Values where the logarithm is undefined are refused, or made missing if you choose. Missing values stay missing.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: KINDS },
    method: {
      type: 'choice',
      label: 'Function',
      help: 'log1p is log(1 + x): defined at 0, for counts and amounts. log is the natural log, for values above 0.',
      options: ['log1p', 'log'],
    },
    invalid: {
      type: 'choice',
      label: 'Values where it is undefined',
      help: '“error” stops with the first such value; “missing” makes them missing values.',
      options: ['error', 'missing'],
    },
  },
  defaults: { columns: [], method: 'log1p', invalid: 'error' },

  fit(frame, params) {
    const min = DOMAIN[params.method].min;
    const invalid = new Int32Array(params.columns.length);
    params.columns.forEach((name, j) => {
      const values = numericInput(frame, name).values;
      const first = firstInvalid(values, min);
      if (first < 0) return;
      if (params.invalid === 'error') throw outOfDomain(name, params.method, values[first], first);
      let n = 0;
      for (let i = first; i < values.length; i++) if (values[i] <= min) n++;
      invalid[j] = n;
    });
    return { invalid };
  },

  transform(frame, fitted) {
    const { columns, method, invalid } = fitted.spec.params;
    const min = DOMAIN[method].min;
    const replacements = new Map<string, FrameColumn[]>();
    for (const name of columns) {
      const input = numericInput(frame, name).values;
      if (invalid === 'error') {
        const first = firstInvalid(input, min);
        if (first >= 0) throw outOfDomain(name, method, input[first], first);
      }
      const out = new Float64Array(input.length);
      // Out-of-domain values give NaN (missing) from Math.log / Math.log1p themselves, except the
      // boundary (log(0) = -Infinity, log1p(-1) = -Infinity), which is made missing here.
      if (method === 'log1p') {
        for (let i = 0; i < input.length; i++) {
          const x = input[i];
          out[i] = x <= -1 ? NaN : Math.log1p(x);
        }
      } else {
        for (let i = 0; i < input.length; i++) {
          const x = input[i];
          out[i] = x <= 0 ? NaN : Math.log(x);
        }
      }
      replacements.set(name, [{ name, kind: 'number', values: out }]);
    }
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'log1p of counts with zeros and a missing value, an integer column',
      params: { columns: ['visits', 'amount'], method: 'log1p', invalid: 'error' },
      frame: () =>
        makeFrame([
          numericColumn('visits', 'integer', [0, 3, 12, null, 250, 1]),
          numericColumn('amount', 'number', [-0.5, 0.25, 1e6, 7, 7, 0]),
        ]),
    },
    {
      name: 'natural log, invalid values made missing (none in these rows)',
      params: { columns: ['price'], method: 'log', invalid: 'missing' },
      frame: () => makeFrame([numericColumn('price', 'number', [9.99, 120, 0.5, null, 1])]),
    },
  ],
});
