// outliers.isolation-forest, hand-checked: c(n) values; two far points in a 2-D cloud are flagged
// and the centre is not; one seed gives one forest, the flag is the last column; trees are no
// deeper than ceil(log2(sampleSize)); missing values refused while fitting and not flagged later.
// Agreement with scikit-learn's IsolationForest is in tests/golden/steps-more.test.ts.
import { describe, expect, it } from 'vitest';
import { makeFrame, numericColumn } from '../../../src/core/data/frame';
import { createRng } from '../../../src/core/rng';
import { applyToRow, fitSteps } from '../../../src/core/steps';
import { averagePathLength } from '../../../src/core/steps/outliers-isolation-forest';
import { caught, col, fitOne, names } from './helpers';

type State = {
  feature: Int32Array;
  threshold: Float64Array;
  other: Int32Array;
  roots: Int32Array;
  samples: number;
};

/** 200 points of a cloud around the origin (seeded), plus (8, 8) and (-7, 9). */
function cloud() {
  const rng = createRng(11);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    // A rough normal: the sum of 4 uniforms, centred.
    x.push(rng() + rng() + rng() + rng() - 2);
    y.push(rng() + rng() + rng() + rng() - 2);
  }
  x.push(8, -7);
  y.push(8, 9);
  return makeFrame([numericColumn('x', 'number', x), numericColumn('y', 'number', y)]);
}

const spec = (params: Record<string, unknown> = {}) => ({
  kind: 'outliers.isolation-forest',
  params: { columns: ['x', 'y'], ...params },
});

describe('outliers.isolation-forest', () => {
  it('c(n): 0 for 1, 1 for 2, 2(ln 255 + γ) - 2·255/256 = 10.2447709201199 for 256', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.2447709201199, 12);
  });

  it('flags the two far points, not the centre, in a last column', () => {
    const { out, state } = fitOne<State>(cloud(), spec());
    expect(names(out)).toEqual(['x', 'y', 'outlier']);
    const flags = col(out, 'outlier');
    expect(flags[200]).toBe(true);
    expect(flags[201]).toBe(true);
    expect(flags.filter((f) => f === true).length).toBeLessThan(30);
    expect(Object.keys(state).sort()).toEqual([
      'feature',
      'other',
      'roots',
      'samples',
      'threshold',
    ]);
    const { fitted } = fitOne(cloud(), spec());
    expect(applyToRow({ x: 0, y: 0 }, [fitted])).toEqual({ x: 0, y: 0, outlier: false });
    expect(applyToRow({ x: -20, y: 0 }, [fitted])).toEqual({ x: -20, y: 0, outlier: true });
  });

  it('one seed, one forest; another seed, another forest', () => {
    const a = fitSteps(cloud(), [spec()], 5).fitted[0].state as State;
    const b = fitSteps(cloud(), [spec()], 5).fitted[0].state as State;
    const c = fitSteps(cloud(), [spec()], 6).fitted[0].state as State;
    expect(b).toEqual(a);
    expect(Array.from(c.threshold)).not.toEqual(Array.from(a.threshold));
  });

  it('100 trees on 64 rows each, none deeper than log2(64) = 6 levels, leaves hold 64 rows', () => {
    const { state } = fitOne<State>(cloud(), spec({ sampleSize: 64 }));
    expect(state.roots.length).toBe(100);
    expect(state.samples).toBe(64);
    for (let t = 0; t < 100; t++) {
      const end = t + 1 < 100 ? state.roots[t + 1] : state.feature.length;
      let leafRows = 0;
      // Walk the tree from its root, tracking depth.
      const stack: [number, number][] = [[state.roots[t], 0]];
      while (stack.length > 0) {
        const [node, depth] = stack.pop() as [number, number];
        expect(node).toBeLessThan(end);
        if (state.feature[node] < 0) {
          expect(depth).toBeLessThanOrEqual(6);
          leafRows += state.other[node];
        } else {
          stack.push([node + 1, depth + 1], [state.other[node], depth + 1]);
        }
      }
      expect(leafRows).toBe(64);
    }
  });

  it('refuses missing values while fitting; a later row with one is not flagged', () => {
    const f = makeFrame([
      numericColumn('x', 'number', [1, 2, null, 4]),
      numericColumn('y', 'number', [1, 2, 3, 4]),
    ]);
    const err = caught(() => fitSteps(f, [spec()], 1));
    expect(err.message).toBe(
      "Step 1 (Outliers: isolation forest (flag)): column 'x' has a missing value in row 3; the isolation forest needs a value in every row. Impute (or clip) the column before this step.",
    );
    const { fitted } = fitOne(cloud(), spec());
    expect(applyToRow({ x: null, y: 500 }, [fitted])).toEqual({ x: null, y: 500, outlier: false });
  });

  it('refuses a flag column name that is taken', () => {
    const err = caught(() => fitSteps(cloud(), [spec({ flagColumn: 'y' })], 1));
    expect(err.message).toContain(
      "column 'y' already exists; choose another name for the flag column.",
    );
  });
});
