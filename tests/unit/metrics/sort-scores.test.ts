// The ROC / PR counting sorts each side's scores with a radix sort on their IEEE bits (float32 keys
// when every score is a float32 value, as model probabilities are; both halves of the double
// otherwise). It must give exactly the order of Float64Array.prototype.sort: -0 before +0, the
// infinities at the ends, subnormals, the largest doubles, long tied runs, sizes on both sides of
// the native-sort cutoff, and views into a larger buffer (a byteOffset). And binaryClfCurve on
// inputs long enough for the radix path must still count as the plain sort-and-walk of
// scikit-learn's _binary_clf_curve.
import { describe, expect, it } from 'vitest';
import { binaryClfCurve, sortScores } from '../../../src/core/metrics/curve';
import { createRng } from '../../../src/core/rng';
import { referenceCurve } from './reference-curve';

function expectNativeOrder(values: Float64Array, what: string) {
  const want = values.slice().sort();
  const got = values.slice();
  sortScores(got);
  const differ = Array.from(want).findIndex((v, i) => !Object.is(v, got[i]));
  expect(differ, `${what}: first difference at ${differ}`).toBe(-1);
}

const rng = createRng(17);
const MAKERS: Record<string, () => number> = {
  'uniform doubles, both signs': () => rng() * 2e6 - 1e6,
  'float32 probabilities': () => Math.fround(1 / (1 + Math.exp(-8 * (rng() - 0.5)))),
  'float32, both signs': () => Math.fround((rng() - 0.5) * 1e3),
  'few values (long ties)': () => [0.25, 0.5, 0.75][Math.floor(rng() * 3)],
  'zeros of both signs and ones': () => [0, -0, 1, -1][Math.floor(rng() * 4)],
  'extremes and subnormals': () =>
    [
      Infinity,
      -Infinity,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      2.2250738585072014e-308,
      0,
      -0,
      rng(),
    ][Math.floor(rng() * 10)],
  'huge dynamic range': () => (rng() < 0.5 ? -1 : 1) * 10 ** (rng() * 600 - 300),
};

describe('sortScores: the order of Float64Array.prototype.sort', () => {
  it.each(Object.keys(MAKERS))('%s, on both sides of the native-sort cutoff', (name) => {
    for (const n of [0, 1, 2, 511, 512, 513, 2049, 20_000, 65_537]) {
      expectNativeOrder(Float64Array.from({ length: n }, MAKERS[name]), `${name}, n = ${n}`);
    }
  });

  it('float32 values with a single double among them take the 64-bit path, same order', () => {
    const values = Float64Array.from({ length: 5000 }, () => Math.fround(rng()));
    values[2500] = 0.1; // not a float32 value
    expectNativeOrder(values, 'one double');
    values[2500] = Math.fround(0.1);
    expectNativeOrder(values, 'all float32');
  });

  it('a view into a larger buffer sorts only its own part', () => {
    const whole = Float64Array.from({ length: 3000 }, () => rng() - 0.5);
    const before = whole.slice();
    const view = whole.subarray(700, 2700);
    const want = view.slice().sort();
    sortScores(view);
    expect(Array.from(view)).toEqual(Array.from(want));
    expect(Array.from(whole.subarray(0, 700))).toEqual(Array.from(before.subarray(0, 700)));
    expect(Array.from(whole.subarray(2700))).toEqual(Array.from(before.subarray(2700)));
  });
});

describe('binaryClfCurve on radix-sized inputs', () => {
  it('counts as the plain sort-and-walk: float32 and double scores, ties, rare positives', () => {
    for (let t = 0; t < 24; t++) {
      const n = 600 + Math.floor(rng() * 6000);
      const rate = [0.5, 0.1, 0.9][t % 3];
      const truth = Int32Array.from({ length: n }, () => (rng() < rate ? 1 : 0));
      const make = [
        () => Math.fround(rng()),
        () => rng() * 4 - 2,
        () => Math.floor(rng() * 50) / 50,
        () => (rng() < 0.01 ? -0 : rng() < 0.5 ? 0 : 1),
      ][t % 4];
      const scores = Float64Array.from({ length: n }, make);
      const got = binaryClfCurve(truth, scores);
      const want = referenceCurve(truth, scores);
      expect(Array.from(got.fps), `trial ${t}`).toEqual(want.fps);
      expect(Array.from(got.tps), `trial ${t}`).toEqual(want.tps);
      expect(Array.from(got.thresholds), `trial ${t}`).toEqual(want.thresholds);
    }
  });
});
