// Full-batch L-BFGS (Nocedal & Wright, algorithms 7.4 and 3.5/3.6) for the smooth convex
// objectives of logistic regression. The iterate and its history live in float64 here; the
// objective and gradient come from the caller: exact float64 sums (./logistic-loss.ts) or tfjs
// ops in float32. Stopping follows scipy's L-BFGS-B as scikit-learn 1.2 calls it: the gradient
// test (gtol), the relative reduction of the loss (ftol) and at most `maxls` evaluations per line
// search. Float32 sums make the loss noisy near the optimum, long before the gradient is small, so
// the line search also accepts Hager & Zhang's "approximate Wolfe" step (judged on the gradient,
// which stays accurate, with the loss allowed to rise by its own rounding), and a search that
// fails when the predicted decrease is itself below that rounding ends the run as converged
// within the loss's precision instead of restarting (a restart cannot measure progress either).

export interface Evaluation {
  f: number;
  g: Float64Array;
}

/** Loss and gradient at x (x must not be kept: the optimiser reuses its buffers). */
export type Objective = (x: Float64Array) => Promise<Evaluation>;

export interface LbfgsOptions {
  maxIter: number;
  /** Converged when max |g_i| / gradScale ≤ gtol. */
  gtol: number;
  /** Divides the gradient for the gtol test (e.g. the total sample weight). Default 1. */
  gradScale?: number;
  /** Converged when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ ftol. Default 0 (off). */
  ftol?: number;
  /** Pairs of (s, y) kept. Default 10, as scipy. */
  memory?: number;
  /** Relative loss noise allowed by the approximate-Wolfe test. Default 1e-6 (float32 sums). */
  noise?: number;
  /** Most objective evaluations per line search. Default 20, as scipy's maxls. */
  maxLineSearch?: number;
  /** Called after every iteration and awaited; may throw (cancellation). */
  onIteration?: (iteration: number, f: number, gmax: number) => void | Promise<void>;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: string;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

interface Trial {
  a: number;
  f: number;
  g: Float64Array;
  d: number;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * A step along p satisfying the Wolfe conditions (c1 = 1e-4, c2 = 0.9) or the approximate ones.
 * Returns the accepted trial, or the best lower point seen, or no trial when the loss cannot go
 * down; with the evaluations spent either way.
 */
async function lineSearch(
  evaluate: (a: number) => Promise<Trial>,
  f0: number,
  d0: number,
  a0: number,
  noise: number,
  maxEvaluations: number,
): Promise<{ trial: Trial | null; evaluations: number }> {
  const c1 = 1e-4;
  const c2 = 0.9;
  const delta = 0.1;
  const epsF = noise * Math.abs(f0);
  let evaluations = 0;
  let best: Trial | null = null;
  const armijo = (t: Trial) => t.f <= f0 + c1 * t.a * d0;
  const accept = (t: Trial) =>
    (armijo(t) && t.d >= c2 * d0) ||
    // Approximate Wolfe: the loss is flat within its rounding and the slope is small.
    (t.f <= f0 + epsF && t.d >= c2 * d0 && t.d <= (2 * delta - 1) * d0);
  const trialAt = async (a: number) => {
    const t = await evaluate(a);
    evaluations++;
    if (Number.isFinite(t.f) && t.f < f0 && (!best || t.f < best.f)) best = t;
    return t;
  };
  const done = (trial: Trial | null) => ({ trial, evaluations });

  let prev: Trial = { a: 0, f: f0, g: new Float64Array(0), d: d0 };
  let a = a0;
  for (let i = 0; evaluations < maxEvaluations; i++) {
    const t = await trialAt(a);
    if (!Number.isFinite(t.f) || !Number.isFinite(t.d)) {
      // Overflow far along p: come back towards the last good point.
      a = prev.a + (a - prev.a) / 10;
      continue;
    }
    if (accept(t)) return done(t);
    if (!armijo(t) || (i > 0 && t.f >= prev.f)) return zoom(prev, t);
    if (t.d >= 0) return zoom(t, prev);
    prev = t;
    a *= 4;
  }
  return done(best);

  // lo satisfies Armijo with the lower loss; the minimiser lies between lo and hi.
  async function zoom(lo: Trial, hi: Trial) {
    while (evaluations < maxEvaluations) {
      const left = Math.min(lo.a, hi.a);
      const right = Math.max(lo.a, hi.a);
      const width = right - left;
      if (width <= 1e-16 * Math.max(1, right)) break;
      let a = cubicMin(lo.a, lo.f, lo.d, hi.a, hi.f, hi.d);
      if (!(a > left + 0.1 * width && a < right - 0.1 * width)) a = (lo.a + hi.a) / 2;
      const t = await trialAt(a);
      if (!Number.isFinite(t.f)) {
        hi = t;
        continue;
      }
      if (accept(t)) return done(t);
      if (!armijo(t) || t.f >= lo.f) {
        hi = t;
      } else {
        if (t.d * (hi.a - lo.a) >= 0) hi = lo;
        lo = t;
      }
    }
    return done(best);
  }
}

/** Minimises the objective from x0 (which is not modified). */
export async function lbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions,
): Promise<LbfgsResult> {
  const n = x0.length;
  const m = options.memory ?? 10;
  const scale = options.gradScale ?? 1;
  const ftol = options.ftol ?? 0;
  const noise = options.noise ?? 1e-6;
  const maxLineSearch = options.maxLineSearch ?? 20;
  let x = Float64Array.from(x0);
  let { f, g } = await objective(x);
  g = Float64Array.from(g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const result = (iterations: number, converged: boolean, reason: string): LbfgsResult => ({
    x,
    f,
    g,
    iterations,
    evaluations,
    converged,
    reason,
  });
  if (!Number.isFinite(f)) return result(0, false, 'the loss is not finite at the start');
  if (maxAbs(g) / scale <= options.gtol) return result(0, true, 'gradient below tol at the start');

  const p = new Float64Array(n);
  const alpha = new Float64Array(m);
  let steepest = true;
  for (let iter = 1; iter <= options.maxIter; iter++) {
    // Two-loop recursion: p = -H g.
    for (let i = 0; i < n; i++) p[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], p);
      const yk = Y[k];
      for (let i = 0; i < n; i++) p[i] -= alpha[k] * yk[i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) p[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], p);
      const sk = S[k];
      for (let i = 0; i < n; i++) p[i] += (alpha[k] - beta) * sk[i];
    }
    let d0 = dot(g, p);
    if (!(d0 < 0)) {
      // Not a descent direction (rounding in the history): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) p[i] = -g[i];
      d0 = dot(g, p);
      steepest = true;
    }
    // The first step has no curvature information yet: scale it to length 1, as scipy does.
    const a0 = steepest ? Math.min(1, 1 / Math.sqrt(dot(p, p))) : 1;
    const xt = new Float64Array(n);
    const evaluateAt = async (a: number): Promise<Trial> => {
      for (let i = 0; i < n; i++) xt[i] = x[i] + a * p[i];
      const e = await objective(xt);
      const gt = Float64Array.from(e.g);
      return { a, f: e.f, g: gt, d: dot(gt, p) };
    };
    const found = await lineSearch(evaluateAt, f, d0, a0, noise, maxLineSearch);
    evaluations += found.evaluations;
    if (!found.trial) {
      // The first step's whole predicted decrease (−d0·a0) is within the loss's rounding: no
      // trial can show progress, and none is needed.
      if (-d0 * a0 <= 10 * noise * Math.abs(f)) {
        return result(
          iter - 1,
          true,
          `converged within the loss's precision after ${iter - 1} iterations`,
        );
      }
      if (!steepest) {
        // The history may be stale: one more try along the plain gradient before giving up.
        S.length = Y.length = rho.length = 0;
        steepest = true;
        iter--;
        continue;
      }
      return result(
        iter - 1,
        false,
        `the line search found no lower loss after ${iter - 1} iterations`,
      );
    }
    const t = found.trial;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = t.a * p[i];
      y[i] = t.g[i] - g[i];
    }
    const sy = dot(s, y);
    // Keep the pair only with positive curvature, so H stays positive definite.
    if (sy > 1e-10 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    steepest = false;
    const fPrev = f;
    const xNext = new Float64Array(n);
    for (let i = 0; i < n; i++) xNext[i] = x[i] + s[i];
    x = xNext;
    f = t.f;
    g = t.g;
    const gmax = maxAbs(g);
    await options.onIteration?.(iter, f, gmax / scale);
    if (gmax / scale <= options.gtol)
      return result(iter, true, `gradient below tol after ${iter} iterations`);
    // |change|: an approximate-Wolfe step may raise the loss by its rounding.
    if (ftol > 0 && Math.abs(fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol)
      return result(iter, true, `loss change below ftol after ${iter} iterations`);
  }
  return result(options.maxIter, false, `reached maxIter (${options.maxIter}) iterations`);
}
