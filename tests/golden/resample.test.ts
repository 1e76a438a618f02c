// Golden test: Benchtop's samplers against imbalanced-learn 0.10 / scikit-learn 1.2.1 where the
// results are deterministic. Source of every expected value: tests/fixtures/golden/imblearn-resample.json,
// written by tests/fixtures/golden/imblearn_resample.py (Debian's python3-imblearn) from
// scikit-learn's bundled breast_cancer (569 x 30, binary) and wine (178 x 13, three classes) plus a
// hand-made SMOTE-NC case. The estimator and its arguments are named next to each assertion.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/core/errors';
import {
  findColumn,
  makeFrame,
  numericColumn,
  stringColumn,
  type Frame,
  type StringFrameColumn,
} from '../../src/core/data/frame';
import {
  medianStd,
  nearestNeighbours,
  readTarget,
  resample,
  SYNTHETIC,
  type SamplingStrategy,
} from '../../src/core/resample';
import type { NumericFrameColumn } from '../../src/core/data/frame';
import type { Tf } from '../../src/core/models/types';
import { nodeTf } from '../../src/core/models/node-tf';

// Every neighbour result is checked on both searches: TypeScript, and float32 products on tfjs-wasm
// (forced: these sets are below the size where 'auto' picks tfjs), which must agree exactly.
let tf: Tf;
beforeAll(async () => {
  tf = (await nodeTf('wasm')).tf;
});
const PATHS = ['js', 'tf'] as const;

interface CountCase {
  sampler: string;
  strategy: SamplingStrategy;
  counts?: Record<string, number>;
  error?: string;
}
interface Dataset {
  name: string;
  X: number[][];
  Xscaled: number[][];
  y: number[];
  counts: Record<string, number>;
  countCases: CountCase[];
  tomek: Record<string, number[]>;
  tomekScaled: Record<string, number[]>;
  neighbours: Record<string, number[][]>;
  neighboursScaled: Record<string, number[][]>;
}
interface Golden {
  source: string;
  datasets: Dataset[];
  smoteNc: {
    rows: [number, number, string, number][];
    k: number;
    median_std_: number;
    counts: Record<string, number>;
    synthetic: [number, number, string][];
  };
}

const golden = JSON.parse(
  readFileSync('tests/fixtures/golden/imblearn-resample.json', 'utf8'),
) as Golden;

function frameOf(X: number[][], y: number[]): Frame {
  const d = X[0].length;
  const cols = Array.from({ length: d }, (_, f) =>
    numericColumn(
      `f${f}`,
      'number',
      X.map((r) => r[f]),
    ),
  );
  return makeFrame([...cols, numericColumn('y', 'integer', y)]);
}

function countsOf(classes: { label: string; after: number }[]): Record<string, number> {
  return Object.fromEntries(classes.map((c) => [c.label, c.after]));
}

describe.each(golden.datasets.map((d) => [d.name, d] as const))('%s', (_name, data) => {
  const frame = frameOf(data.X, data.y);
  const scaled = frameOf(data.Xscaled, data.y);

  it('class counts after every strategy = imblearn (SMOTE, RandomOverSampler, RandomUnderSampler)', () => {
    const t = readTarget(frame, 'y');
    expect(Object.fromEntries(t.labels.map((l, c) => [l, t.counts[c]]))).toEqual(data.counts);
    for (const c of data.countCases) {
      const run = () =>
        resample(
          frame,
          { kind: c.sampler, params: { samplingStrategy: c.strategy } },
          { target: 'y', seed: 0 },
        );
      const what = `${c.sampler} ${JSON.stringify(c.strategy)}`;
      if (c.error !== undefined) {
        // imblearn: "The specified ratio required to remove samples from the minority class..."
        expect(run, what).toThrow(BenchtopError);
        expect(run, what).toThrow(/over-sampler only adds rows/);
      } else {
        const r = run();
        expect(countsOf(r.classes), what).toEqual(c.counts);
        expect(r.frame.rows, what).toBe(Object.values(c.counts!).reduce((a, b) => a + b, 0));
      }
    }
  });

  it.each(PATHS.flatMap((path) => ['auto', 'all', 'majority'].map((s) => [s, path] as const)))(
    'Tomek links (%s, %s search): the rows kept = TomekLinks(sampling_strategy).sample_indices_, raw and standard-scaled',
    (strategy, path) => {
      for (const [f, kept] of [
        [frame, data.tomek[strategy]],
        [scaled, data.tomekScaled[strategy]],
      ] as const) {
        const r = resample(
          f,
          { kind: 'tomek', params: { samplingStrategy: strategy } },
          { target: 'y', seed: 0, tf, neighbours: path },
        );
        expect([...r.source]).toEqual(kept);
        expect(r.frame.rows).toBe(kept.length);
      }
    },
  );

  it.each(PATHS)(
    "each class's 5 nearest same-class neighbours = NearestNeighbors(6).kneighbors(X_class)[:, 1:] (%s search)",
    (path) => {
      for (const [X, want] of [
        [data.X, data.neighbours],
        [data.Xscaled, data.neighboursScaled],
      ] as const) {
        const t = readTarget(frameOf(X, data.y), 'y');
        t.labels.forEach((label, c) => {
          const rows = [...t.classOf.keys()].filter((i) => t.classOf[i] === c);
          const d = X[0].length;
          const values = new Float64Array(rows.length * d);
          rows.forEach((r, i) => values.set(X[r], i * d));
          const nn = nearestNeighbours({ rows: rows.length, dims: d, values }, 5, { tf, path });
          expect(nn.path).toBe(path);
          const ours = rows.map((_, i) =>
            [...nn.index.subarray(i * 5, i * 5 + 5)].map((j) => rows[j]),
          );
          expect(ours, `class ${label}`).toEqual(want[label]);
        });
      }
    },
  );
});

describe('SMOTE-NC (imblearn SMOTENC(categorical_features=[2], k_neighbors=3))', () => {
  const g = golden.smoteNc;
  const frame = () =>
    makeFrame([
      numericColumn(
        'a',
        'number',
        g.rows.map((r) => r[0]),
      ),
      numericColumn(
        'b',
        'number',
        g.rows.map((r) => r[1]),
      ),
      stringColumn(
        'colour',
        'categorical',
        g.rows.map((r) => r[2]),
      ),
      numericColumn(
        'y',
        'integer',
        g.rows.map((r) => r[3]),
      ),
    ]);

  it('median_std_: the median of the minority class’s numeric standard deviations', () => {
    const f = frame();
    const t = readTarget(f, 'y');
    const minority = Int32Array.from([...t.classOf.keys()].filter((i) => t.classOf[i] === 1));
    const numeric = ['a', 'b'].map((n) => findColumn(f, n) as NumericFrameColumn);
    expect(medianStd(numeric, minority)).toBeCloseTo(g.median_std_, 12);
  });

  it('counts, and each synthetic row takes its neighbours’ majority category, as imblearn’s', () => {
    // In imblearn's output, every synthetic row near (0, 0) is 'red' and every one near (10, 10)
    // is 'blue', whichever parent it came from (the odd 'blue' / 'green' rows included).
    const groupOf = (a: number) => (a < 5 ? 'near 0' : 'near 10');
    const want = new Map<string, string>();
    for (const [a, , colour] of g.synthetic) {
      const seen = want.get(groupOf(a));
      expect(seen === undefined || seen === colour).toBe(true);
      want.set(groupOf(a), colour);
    }
    expect(Object.fromEntries(want)).toEqual({ 'near 0': 'red', 'near 10': 'blue' });
    for (const seed of [0, 1, 2]) {
      const r = resample(
        frame(),
        { kind: 'smote-nc', params: { kNeighbors: g.k } },
        { target: 'y', seed },
      );
      expect(countsOf(r.classes)).toEqual(g.counts);
      const a = (findColumn(r.frame, 'a') as NumericFrameColumn).values;
      const colour = findColumn(r.frame, 'colour') as StringFrameColumn;
      let synthetic = 0;
      for (let i = 0; i < r.frame.rows; i++) {
        if (r.origin[i] !== SYNTHETIC) continue;
        synthetic++;
        expect(colour.categories[colour.codes[i]]).toBe(want.get(groupOf(a[i])));
      }
      expect(synthetic).toBe(g.synthetic.length);
    }
  });
});
