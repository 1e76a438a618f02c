// transform.yeo-johnson: the Yeo-Johnson power transform, as scikit-learn's
// PowerTransformer(method='yeo-johnson'), which makes a skewed column closer to normal. Unlike
// Box-Cox it accepts zero and negative values:
//   x >= 0: ((x + 1)^λ - 1) / λ          (log(1 + x) when λ = 0)
//   x <  0: -((1 - x)^(2 - λ) - 1) / (2 - λ)   (-log(1 - x) when λ = 2)
// λ is learned per column by maximum likelihood, as scipy.stats.yeojohnson_normmax /
// scikit-learn's _yeo_johnson_optimize: Brent's method (brent.ts, a port of scipy.optimize.brent
// started from the bracket (-2, 2)) on the negative log-likelihood
//   n/2 · log(var(ψ(x, λ))) - (λ - 1) · Σ sign(x) · log(1 + |x|),
// ignoring missing values. With `standardize` (the default, as scikit-learn) the transformed
// column is then centred and scaled to unit variance (StandardScaler's rules, population std).
// Decisions:
// - a constant column gets λ = 1 (the identity) instead of whatever the optimiser stops at on a
//   flat likelihood (scikit-learn returns an arbitrary λ there); standardized, it becomes 0.
// - the likelihood is evaluated with exp(λ·log1p(x)) (precomputed logs: one exp per value per
//   step instead of a pow) while the transform itself uses pow(x + 1, λ) as scikit-learn does; the
//   two differ by rounding only, so λ agrees with scikit-learn's to about 1e-8 relative (the golden
//   test allows 1e-6).
// - a λ at which the transformed values overflow has an infinite likelihood cost, so it is never
//   chosen; an infinite input value is refused by name.
// - a degenerate fit is refused by name: on a few values far from 0 relative to their spread (body
//   masses of 7 penguins in grams, years) the likelihood computed in doubles flattens out as λ goes
//   to -∞ (or +∞), the optimiser wanders there (scikit-learn's does too: λ = -4.47 on 7 masses) and
//   every value maps to nearly the same number. scikit-learn then returns a column of zeros and
//   rounding noise; we say so and suggest scaling first.
import { BenchtopError } from '../errors';
import { makeFrame, numericColumn, replaceColumns, type FrameColumn } from '../data/frame';
import type { ColumnKind } from '../data/schema';
import { brentMinimize } from './brent';
import { defineStep, numericInput } from './define';
import { moments, presentValues, requireValues } from './stats';

type Params = { columns: string[]; standardize: boolean };
type State = { lambdas: Float64Array; center: Float64Array; scale: Float64Array };

const KINDS: readonly ColumnKind[] = ['integer', 'number'];
const SPACING_1 = 2 ** -52; // np.spacing(1.0)
const TINY = 2.2250738585072014e-308; // np.finfo(np.float64).tiny
const EPS = 2 ** -52;

/**
 * Below this spread (std / (|mean| + std)) the transformed values differ from one another by little
 * more than rounding: the output would carry ~1e-8 relative error or worse, or be constant.
 */
const COLLAPSED = 1e-8;

function collapsed(name: string, lambda: number): BenchtopError {
  return new BenchtopError(
    'invalid-argument',
    `column '${name}' cannot be Yeo-Johnson transformed usefully: its values are far from 0 compared with their spread, so the best λ (${lambda.toPrecision(4)}) maps them all to nearly the same number. Put a standard scaling step before this one, or use the log transform.`,
    { column: name, lambda },
  );
}

/** ψ(x, λ), exactly as scikit-learn's _yeo_johnson_transform computes it (NaN stays NaN). */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) {
    return Math.abs(lambda) < SPACING_1 ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
  }
  if (x < 0) {
    return Math.abs(lambda - 2) > SPACING_1
      ? -(Math.pow(-x + 1, 2 - lambda) - 1) / (2 - lambda)
      : -Math.log1p(-x);
  }
  return NaN;
}

/** The maximum-likelihood λ of the present (finite) values `x`. */
export function yeoJohnsonLambda(x: Float64Array): number {
  const n = x.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  if (min === max) return 1;
  // log(1 + |x|) once per value; its signed sum is the Jacobian term of the likelihood.
  const logs = new Float64Array(n);
  let signedLogSum = 0;
  for (let i = 0; i < n; i++) {
    const l = Math.log1p(Math.abs(x[i]));
    logs[i] = l;
    signedLogSum += x[i] > 0 ? l : x[i] < 0 ? -l : 0;
  }
  const psi = new Float64Array(n);
  const negLogLikelihood = (lambda: number): number => {
    const zeroPos = Math.abs(lambda) < SPACING_1;
    const twoNeg = !(Math.abs(lambda - 2) > SPACING_1);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const l = logs[i];
      let y: number;
      if (x[i] >= 0) y = zeroPos ? l : Math.expm1(lambda * l) / lambda;
      else y = twoNeg ? -l : -Math.expm1((2 - lambda) * l) / (2 - lambda);
      psi[i] = y;
      sum += y;
    }
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const d = psi[i] - mean;
      sq += d * d;
    }
    const variance = sq / n;
    // scikit-learn rejects a variance whose log would warn; an overflow (Infinity or NaN) likewise.
    if (!(variance >= TINY) || variance === Infinity) return Infinity;
    return (n / 2) * Math.log(variance) - (lambda - 1) * signedLogSum;
  };
  return brentMinimize(negLogLikelihood, -2, 2).x;
}

export const transformYeoJohnson = defineStep<Params, State>({
  kind: 'transform.yeo-johnson',
  role: 'transform',
  title: 'Transform: Yeo-Johnson',
  description:
    'A power transform that makes skewed columns closer to normal (as scikit-learn’s PowerTransformer with method yeo-johnson), then by default scales them to mean 0 and variance 1. Works with zero and negative values. Missing values stay missing.',
  params: {
    columns: { type: 'columns', label: 'Columns', kinds: KINDS },
    standardize: { type: 'boolean', label: 'Scale to mean 0 and variance 1 afterwards' },
  },
  defaults: { columns: [], standardize: true },

  fit(frame, params) {
    const k = params.columns.length;
    const lambdas = new Float64Array(k);
    const center = new Float64Array(k);
    const scale = new Float64Array(k).fill(1);
    params.columns.forEach((name, j) => {
      const column = numericInput(frame, name);
      const present = presentValues(column); // refuses infinite values by name and row
      requireValues(column, present.length, 'distribution to fit the transform to');
      const lambda = yeoJohnsonLambda(present);
      lambdas[j] = lambda;
      const transformed = new Float64Array(present.length);
      for (let i = 0; i < present.length; i++) transformed[i] = yeoJohnson(present[i], lambda);
      const { count, mean, variance } = moments({ name, kind: 'number', values: transformed });
      const std = Math.sqrt(variance);
      if (lambda !== 1 && std <= COLLAPSED * (Math.abs(mean) + std)) throw collapsed(name, lambda);
      if (!params.standardize) return;
      // StandardScaler on the transformed column (see scale-standard.ts for the constant rule).
      const constant = variance <= count * EPS * variance + (count * mean * EPS) ** 2;
      center[j] = mean;
      scale[j] = constant || std < 10 * EPS ? 1 : std;
    });
    return { lambdas, center, scale };
  },

  transform(frame, fitted) {
    const { lambdas, center, scale } = fitted.state;
    const replacements = new Map<string, FrameColumn[]>();
    fitted.spec.params.columns.forEach((name, j) => {
      const input = numericInput(frame, name).values;
      const out = new Float64Array(input.length);
      const lambda = lambdas[j];
      const c = center[j];
      const s = scale[j];
      for (let i = 0; i < input.length; i++) out[i] = (yeoJohnson(input[i], lambda) - c) / s;
      replacements.set(name, [{ name, kind: 'number', values: out }]);
    });
    return replaceColumns(frame, replacements);
  },

  examples: [
    {
      name: 'a right-skewed column with zeros, a negative one, a missing value, a constant',
      params: { columns: ['rain', 'change', 'flat'], standardize: true },
      frame: () =>
        makeFrame([
          numericColumn('rain', 'number', [0, 0, 0.3, 1.2, 0, 5.6, 20.1, null, 0.8, 2.4]),
          numericColumn('change', 'integer', [-12, -3, 0, 4, -1, 7, 2, -30, 1, 0]),
          numericColumn('flat', 'number', [2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5]),
        ]),
    },
    {
      name: 'without standardizing (masses in kg: in grams, so few values would be refused as degenerate)',
      params: { columns: ['mass'], standardize: false },
      frame: () =>
        makeFrame([numericColumn('mass', 'number', [3.75, 3.8, 3.25, null, 3.45, 3.65, 5.2, 4.6])]),
    },
  ],
});
